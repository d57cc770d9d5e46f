package dev.actorbound.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Drives Keycloak's login and consent pages over plain HTTP, for the many ITs that need fresh codes. The real
 * browser is used where the page itself is under test. Cookies are kept by hand: Keycloak marks them
 * {@code Secure} even on http://localhost, which {@code java.net.CookieManager} then refuses to send.
 */
final class HttpLogin {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private static final Pattern SET_COOKIE = Pattern.compile("^([^=;]+)=([^;]*)");
    /** One scope the consent page lists: its name in {@code data-scope}, then what the user reads. */
    private static final Pattern LISTED_SCOPE = Pattern.compile("<(li|code)[^>]*data-scope=\"([^\"]+)\"[^>]*>(.*?)</\\1>", Pattern.DOTALL);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String redirectUri;

    HttpLogin(String redirectUri) {
        this.redirectUri = redirectUri;
    }

    /** The outcome of one authorization request: the callback's query parameters, or the page Keycloak showed. */
    record Outcome(Map<String, String> callback, int status, String page) {
        String code() {
            return callback.get("code");
        }

        String error() {
            return callback.get("error");
        }

        String errorDescription() {
            return callback.get("error_description");
        }

        boolean isConsentPage() {
            return page != null && page.contains("id=\"actorbound-consent\"");
        }

        /** The scopes the agent consent page lists, by name, each with the text the user reads (tags stripped). */
        Map<String, String> listedScopes() {
            Map<String, String> listed = new LinkedHashMap<>();
            Matcher m = LISTED_SCOPE.matcher(page == null ? "" : page);
            while (m.find()) {
                listed.put(m.group(2), m.group(3).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim());
            }
            return listed;
        }
    }

    /** Follows the authorization URL, logs in if asked, and answers the agent consent page with {@code decision}. */
    Outcome authorize(String authorizeUrl, String username, String password, String decision) {
        Outcome outcome = follow(get(authorizeUrl));
        if (outcome.page() != null && outcome.page().contains("id=\"username\"")) {
            outcome = follow(post(formAction(outcome.page()), Map.of("username", username, "password", password)));
        }
        if (decision != null && outcome.isConsentPage()) {
            outcome = answer(outcome, decision);
        }
        return outcome;
    }

    /** Answers the agent consent page {@code page} showed with {@code decision} ({@code accept} or {@code cancel}). */
    Outcome answer(Outcome page, String decision) {
        if (!page.isConsentPage()) {
            throw new IllegalStateException("not the agent consent page: " + page);
        }
        return follow(post(formAction(page.page()), Map.of(decision, "x")));
    }

    private Outcome follow(HttpResponse<String> response) {
        HttpResponse<String> current = response;
        for (int hops = 0; hops < 10; hops++) {
            String location = current.headers().firstValue("Location").orElse(null);
            if (current.statusCode() / 100 != 3 || location == null) {
                return new Outcome(Map.of(), current.statusCode(), current.body());
            }
            if (location.startsWith(redirectUri)) {
                return new Outcome(query(URI.create(location)), current.statusCode(), null);
            }
            current = get(location);
        }
        throw new IllegalStateException("too many redirects");
    }

    /** A GET with this login's cookies, redirects not followed: for pages under test over plain HTTP. */
    HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> post(String url, Map<String, String> form) {
        return post(url, form, Map.of());
    }

    /** A form POST with this login's cookies and the given extra headers (e.g. {@code Origin}), redirects not followed. */
    HttpResponse<String> post(String url, Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(request::header);
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request.header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            response.headers().allValues("Set-Cookie").forEach(this::keep);
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void keep(String setCookie) {
        Matcher m = SET_COOKIE.matcher(setCookie);
        if (m.find()) {
            boolean expired = setCookie.toLowerCase().contains("max-age=0");
            if (expired) {
                cookies.remove(m.group(1).trim());
            } else {
                cookies.put(m.group(1).trim(), m.group(2));
            }
        }
    }

    private static String formAction(String page) {
        Matcher m = FORM_ACTION.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no form on page: " + page.substring(0, Math.min(300, page.length())));
        }
        return m.group(1).replace("&amp;", "&");
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }
}
