package dev.actorbound.resourceserver;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Asks the authorization server about every token (RFC 7662), authenticated with the API's own client credentials
 * (HTTP Basic). Actorbound answers {@code active: false} as soon as the user revokes the agent, an agent of the chain
 * or the user is disabled, or the session ends, so this mode sees a revocation on the next call — after at most
 * {@code cacheTtl}, for which answers are kept (by the token's SHA-256, never the token itself) to spare the server.
 * The answer is then checked like a JWT's claims: issuer, audience, expiry, bearer access token.
 */
public final class IntrospectionTokenVerifier implements TokenVerifier {

    private static final System.Logger LOG = System.getLogger(IntrospectionTokenVerifier.class.getName());
    /** Bounds the cache; when full, expired answers go, and if that is not enough, all of them. */
    static final int MAX_CACHED = 10_000;
    /** No bearer token of Keycloak's is this long; a longer one is not sent on. */
    static final int MAX_TOKEN_LENGTH = 20_000;

    private record Cached(DelegatedPrincipal principal, Instant until) {
    }

    private final URI endpoint;
    private final String authorization;
    private final Http http;
    private final ClaimsValidator claims;
    private final Duration cacheTtl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    IntrospectionTokenVerifier(URI endpoint, String clientId, String clientSecret, Http http, ClaimsValidator claims,
                               Duration cacheTtl) {
        this.endpoint = endpoint;
        // RFC 6749 §2.3.1: both parts are form-encoded before the Base64 step
        String credentials = form(clientId) + ":" + form(clientSecret);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.http = http;
        this.claims = claims;
        this.cacheTtl = cacheTtl;
    }

    @Override
    public DelegatedPrincipal verify(String token) throws Refusal {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw Refusal.invalidToken("the token is malformed");
        }
        Instant now = claims.clock().instant();
        String key = sha256(token);
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return answer(cached);
        }
        Map<String, Object> answer = introspect(token);
        if (!Boolean.TRUE.equals(answer.get("active"))) {
            remember(key, new Cached(null, now.plus(cacheTtl)));
            throw inactive();
        }
        claims.validate(null, answer);
        DelegatedPrincipal principal = DelegatedPrincipal.fromIntrospection(answer);
        Instant until = now.plus(cacheTtl);
        Instant exp = principal.expiresAt().orElse(until);
        remember(key, new Cached(principal, exp.isBefore(until) ? exp : until));
        return principal;
    }

    private static DelegatedPrincipal answer(Cached cached) throws Refusal {
        if (cached.principal() == null) {
            throw inactive();
        }
        return cached.principal();
    }

    private Map<String, Object> introspect(String token) throws Refusal {
        String body = "token=" + form(token) + "&token_type_hint=access_token";
        try {
            return JSONObjectUtils.parse(http.send(HttpRequest.newBuilder(endpoint)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body))));
        } catch (IOException | ParseException e) {
            LOG.log(Level.WARNING, "introspection at {0} failed: {1}", endpoint, e.getMessage());
            throw Refusal.unavailable("the authorization server cannot tell whether the token is active");
        }
    }

    private void remember(String key, Cached entry) {
        if (cacheTtl.isZero()) {
            return;
        }
        if (cache.size() >= MAX_CACHED) {
            Instant now = claims.clock().instant();
            cache.values().removeIf(c -> !now.isBefore(c.until()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(key, entry);
    }

    private static Refusal inactive() {
        return Refusal.invalidToken("the token is not active (expired, revoked or unknown)");
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
