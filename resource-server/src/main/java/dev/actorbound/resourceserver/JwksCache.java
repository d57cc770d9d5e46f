package dev.actorbound.resourceserver;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The realm's signing keys, fetched from its JWKS and kept for {@code ttl}. A token signed with a key the cache does
 * not know (the realm rotated its keys) makes it fetch again at once, but at most once per {@code minRefetchInterval}:
 * tokens with made-up {@code kid}s must not turn the API into a flood of requests to Keycloak. When the keys cannot
 * be fetched, nothing is verified (fail closed, {@code 503}).
 */
final class JwksCache {

    private static final System.Logger LOG = System.getLogger(JwksCache.class.getName());

    private final URI uri;
    private final Http http;
    private final Duration ttl;
    private final Duration minRefetchInterval;
    private final Clock clock;

    private JWKSet keys;
    private Instant fetchedAt;
    private Instant lastAttempt;

    JwksCache(URI uri, Http http, Duration ttl, Duration minRefetchInterval, Clock clock) {
        this.uri = uri;
        this.http = http;
        this.ttl = ttl;
        this.minRefetchInterval = minRefetchInterval;
        this.clock = clock;
    }

    /** The keys that may have signed a token with this header; empty if even a fresh JWKS has none. */
    synchronized List<JWK> candidates(JWSHeader header) throws Refusal {
        Instant now = clock.instant();
        if (keys == null || !now.isBefore(fetchedAt.plus(ttl))) {
            if (!mayFetch(now)) {
                // the last fetch failed moments ago: no keys we may still trust, and no new request yet
                throw unavailable();
            }
            refresh(now);
        }
        List<JWK> found = select(header);
        if (found.isEmpty() && mayFetch(now)) {
            refresh(now);
            found = select(header);
        }
        return found;
    }

    private List<JWK> select(JWSHeader header) {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        return matcher == null ? List.of() : new JWKSelector(matcher).select(keys);
    }

    private boolean mayFetch(Instant now) {
        return lastAttempt == null || !now.isBefore(lastAttempt.plus(minRefetchInterval));
    }

    private void refresh(Instant now) throws Refusal {
        lastAttempt = now;
        try {
            keys = JWKSet.parse(http.get(uri));
            fetchedAt = now;
        } catch (IOException | ParseException e) {
            LOG.log(Level.WARNING, "cannot fetch the signing keys from {0}: {1}", uri, e.getMessage());
            throw unavailable();
        }
    }

    private static Refusal unavailable() {
        return Refusal.unavailable("the authorization server's signing keys are not available");
    }
}
