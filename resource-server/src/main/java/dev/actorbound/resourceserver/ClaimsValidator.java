package dev.actorbound.resourceserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The claim checks both verification modes share, once the token is known to be genuine: exact {@code iss}, an
 * accepted {@code aud}, {@code exp}, {@code nbf} and {@code iat} within a small clock skew, an access token's type.
 */
final class ClaimsValidator {

    private final String issuer;
    private final Set<String> audiences;
    private final Duration skew;
    private final Clock clock;

    ClaimsValidator(String issuer, Set<String> audiences, Duration skew, Clock clock) {
        this.issuer = issuer;
        this.audiences = Set.copyOf(audiences);
        this.skew = skew;
        this.clock = clock;
    }

    /** {@code headerType}: the JOSE {@code typ}, null for an introspection answer. */
    void validate(String headerType, Map<String, ?> claims) throws Refusal {
        if (!issuer.equals(Claims.string(claims, "iss"))) {
            throw Refusal.invalidToken("the token was not issued by this resource's authorization server");
        }
        if (Claims.stringOrList(claims, "aud").stream().noneMatch(audiences::contains)) {
            throw Refusal.invalidToken("the token is not meant for this resource (audience)");
        }
        Instant now = clock.instant();
        Instant exp = Claims.time(claims, "exp");
        if (exp == null) {
            throw Refusal.invalidToken("the token has no expiry");
        }
        if (!now.isBefore(exp.plus(skew))) {
            throw Refusal.invalidToken("the token has expired");
        }
        Instant nbf = Claims.time(claims, "nbf");
        Instant iat = Claims.time(claims, "iat");
        if (nbf != null && now.isBefore(nbf.minus(skew)) || iat != null && now.isBefore(iat.minus(skew))) {
            throw Refusal.invalidToken("the token is not valid yet");
        }
        AccessTokenChecks.check(headerType, claims);
    }

    Clock clock() {
        return clock;
    }
}
