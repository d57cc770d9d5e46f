package dev.actorbound.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/** Back-channel OAuth calls against a realm's OpenID Connect endpoints, plus the pieces of a front-channel request. */
public final class OAuth {

    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public OAuth(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A PKCE pair (RFC 7636): a fresh 43-character verifier and its S256 challenge. */
    public record Pkce(String verifier, String challenge) {

        public static Pkce s256() {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String verifier = base64Url(random);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, base64Url(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A token endpoint answer, successful or not. */
    public record TokenResponse(int status, JsonNode body, HttpHeaders headers) {

        public String error() {
            return text("error");
        }

        public String errorDescription() {
            return text("error_description");
        }

        public String accessToken() {
            return text("access_token");
        }

        public String refreshToken() {
            return text("refresh_token");
        }

        private String text(String field) {
            JsonNode value = body.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }

        /** Status and body, every token in it redacted: assertion messages end up in build logs. */
        @Override
        public String toString() {
            return "HTTP " + status + " " + redacted(String.valueOf(body));
        }
    }

    private static final java.util.regex.Pattern JWT = java.util.regex.Pattern.compile("eyJ[\\w-]*\\.[\\w-]*\\.[\\w-]*");

    /** {@code text} with each JWT (JWS or JWE compact form) replaced by its length, so that no log holds a usable token. */
    public static String redacted(String text) {
        return text == null ? null : JWT.matcher(text).replaceAll(m -> "<token of " + m.group().length() + " chars>");
    }

    public String endpoint(String realm, String path) {
        return baseUrl + "/realms/" + realm + "/protocol/openid-connect/" + path;
    }

    /** The realm's JWKS URL, for {@link Jwt#verify}. */
    public String jwksUrl(String realm) {
        return endpoint(realm, "certs");
    }

    /** The realm's JSON Web Key Set. */
    public JsonNode jwks(String realm) {
        return Admin.read(send(HttpRequest.newBuilder(URI.create(jwksUrl(realm))).GET()).body());
    }

    /** The realm's OpenID Provider metadata ({@code /.well-known/openid-configuration}). */
    public JsonNode discovery(String realm) {
        return Admin.read(send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm
                + "/.well-known/openid-configuration")).GET()).body());
    }

    /** The authorization endpoint URL of a code request; {@code extra} parameters are appended (same name: replaced). */
    public String authorizeUrl(String realm, String clientId, String redirectUri, String scope, String state,
                               Map<String, String> extra) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("scope", scope);
        query.put("state", state);
        query.putAll(extra);
        return endpoint(realm, "auth") + "?" + form(query);
    }

    /** The authorization URL of a PKCE S256 code request. */
    public String authorizeUrl(String realm, String clientId, String redirectUri, String scope, String state, Pkce pkce,
                               Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("code_challenge", pkce.challenge(),
                "code_challenge_method", "S256"));
        all.putAll(extra);
        return authorizeUrl(realm, clientId, redirectUri, scope, state, all);
    }

    /** A service account's own access token; fails unless the token endpoint answers 200. */
    public String clientCredentialsToken(String realm, String clientId, String secret) {
        TokenResponse response = token(realm, Map.of("grant_type", "client_credentials"), clientId, secret);
        if (response.status() != 200) {
            throw new IllegalStateException("client_credentials for " + clientId + " failed: " + response);
        }
        return response.accessToken();
    }

    /**
     * POSTs {@code form} to the token endpoint. With {@code basicAuthClientId} the client authenticates with HTTP
     * Basic ({@code secret} may be null for none); without it, put {@code client_id} into the form (public clients).
     */
    public TokenResponse token(String realm, Map<String, String> form, String basicAuthClientId, String secret) {
        return token(realm, form, basicAuthClientId, secret, Map.of());
    }

    /** As {@link #token(String, Map, String, String)}, with extra request headers (a DPoP proof, a bearer token). */
    public TokenResponse token(String realm, Map<String, String> form, String basicAuthClientId, String secret,
                               Map<String, String> headers) {
        HttpResponse<String> response = postForm(endpoint(realm, "token"), form, basicAuthClientId, secret, headers);
        return new TokenResponse(response.statusCode(), Admin.read(response.body()), response.headers());
    }

    /** RFC 7662 introspection, authenticated as {@code clientId}; fails unless the endpoint answers 200. */
    public JsonNode introspect(String realm, String token, String clientId, String secret) {
        TokenResponse response = introspect(realm, token, "access_token", clientId, secret);
        if (response.status() != 200) {
            throw new IllegalStateException("introspection failed: " + response);
        }
        return response.body();
    }

    /** RFC 7662 introspection with {@code token_type_hint} (none when null), whatever the endpoint answers. */
    public TokenResponse introspect(String realm, String token, String hint, String clientId, String secret) {
        return introspect(realm, token, hint, clientId, secret, Map.of());
    }

    /** As {@link #introspect(String, String, String, String, String)}, with extra request headers ({@code Accept}). */
    public TokenResponse introspect(String realm, String token, String hint, String clientId, String secret,
                                    Map<String, String> headers) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        if (hint != null) {
            form.put("token_type_hint", hint);
        }
        HttpResponse<String> response = postForm(endpoint(realm, "token/introspect"), form, clientId, secret, headers);
        return new TokenResponse(response.statusCode(), Admin.read(response.body()), response.headers());
    }

    /** RFC 7009 revocation of {@code token}, authenticated as {@code clientId}; fails unless the endpoint answers 200. */
    public void revoke(String realm, String token, String clientId, String secret) {
        HttpResponse<String> response = postForm(endpoint(realm, "revoke"), Map.of("token", token), clientId, secret, Map.of());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("revocation failed: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** An OpenID Connect userinfo answer: claims on success, the {@code WWW-Authenticate} challenge on refusal. */
    public record UserInfo(int status, JsonNode body, HttpHeaders headers) {

        public String wwwAuthenticate() {
            return headers.firstValue("WWW-Authenticate").orElse(null);
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body + " WWW-Authenticate: " + wwwAuthenticate();
        }
    }

    /** GET userinfo with {@code accessToken} as a Bearer token (RFC 6750 2.1). */
    public UserInfo userInfo(String realm, String accessToken) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(endpoint(realm, "userinfo")))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET());
        return new UserInfo(response.statusCode(), Admin.read(response.body()), response.headers());
    }

    private HttpResponse<String> postForm(String url, Map<String, String> form, String clientId, String secret,
                                          Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        headers.forEach(request::header);
        if (clientId != null) {
            // RFC 6749 2.3.1: both parts are form-encoded before the Base64 step
            String credentials = Admin.encode(clientId) + ":" + Admin.encode(secret == null ? "" : secret);
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return send(request);
    }

    /** Sends any request to Keycloak (an API call with a bearer token, say), with the same timeout as the rest. */
    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The query parameters of a redirect URL (first value of each name), e.g. {@code code}, {@code state}, {@code error}. */
    public static Map<String, String> queryParameters(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = URI.create(url).getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    static String form(Map<String, String> values) {
        values.forEach((name, value) -> {
            if (value == null) {
                throw new IllegalArgumentException("form parameter " + name + " is null");
            }
        });
        return values.entrySet().stream()
                .map(e -> Admin.encode(e.getKey()) + "=" + Admin.encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
