package dev.actorbound.resourceserver;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The two calls to the authorization server (JWKS, introspection): bounded in time and in size. */
final class Http {

    /** A JWKS or an introspection answer is a few kilobytes; more is not an answer to read. */
    static final int MAX_BODY = 1 << 20;

    private final HttpClient client;
    private final Duration timeout;

    Http(Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    /** The body of a 200 answer; an IOException for any other status, a body over {@link #MAX_BODY}, or no answer. */
    String send(HttpRequest.Builder request) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.timeout(timeout).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY + 1);
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            if (bytes.length > MAX_BODY) {
                throw new IOException("answer larger than " + MAX_BODY + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    String get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).GET());
    }
}
