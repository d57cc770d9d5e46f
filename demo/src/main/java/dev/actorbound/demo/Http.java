package dev.actorbound.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;

/** The few HTTP calls the demo makes: token endpoint forms, and API calls with a bearer token. */
final class Http {

    /** An answer: status, the {@code WWW-Authenticate} challenge (if any) and the JSON body (empty if none). */
    record Answer(int status, String challenge, Map<String, Object> json) {

        String text(String field) {
            Object value = json.get(field);
            return value == null ? null : value.toString();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** POSTs a form, authenticated with HTTP Basic when {@code clientId} is given (RFC 6749 §2.3.1). */
    Answer postForm(String url, Map<String, String> form, String clientId, String secret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"))));
        if (clientId != null) {
            String credentials = encode(clientId) + ":" + encode(secret);
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return send(request);
    }

    /** Calls {@code url} with {@code method}, with {@code token} as the bearer token (none when null). */
    Answer call(String method, String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            Map<String, Object> json = body == null || body.isBlank() ? Map.of() : JSONObjectUtils.parse(body);
            return new Answer(response.statusCode(), response.headers().firstValue("WWW-Authenticate").orElse(null), json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + request.build().uri() + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalStateException(request.build().uri() + " did not answer JSON", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
