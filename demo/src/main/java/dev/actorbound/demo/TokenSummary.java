package dev.actorbound.demo;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;

/**
 * What the demo prints about a token: its user, actor chain, roles, audience and lifetime, read from the payload.
 * Only for display: the Travel API, not this class, decides whether a token is any good. The token itself is
 * never printed.
 */
public record TokenSummary(String subject, String username, List<String> chain, List<String> roles, List<String> audience,
                    long lifetimeSeconds) {

    static TokenSummary of(String token) {
        try {
            JWTClaimsSet claims = JWTParser.parse(token).getJWTClaimsSet();
            List<String> chain = new ArrayList<>();
            Object act = claims.getClaim("act");
            while (act instanceof Map<?, ?> actor) {
                chain.add(String.valueOf(actor.get("client_id") != null ? actor.get("client_id") : actor.get("sub")));
                act = actor.get("act");
            }
            long lifetime = claims.getExpirationTime().toInstant().getEpochSecond()
                    - claims.getIssueTime().toInstant().getEpochSecond();
            return new TokenSummary(claims.getSubject(), claims.getStringClaim("preferred_username"), chain,
                    realmRoles(claims), claims.getAudience(), lifetime);
        } catch (ParseException e) {
            throw new IllegalStateException("the token is not a JWT", e);
        }
    }

    private static List<String> realmRoles(JWTClaimsSet claims) throws ParseException {
        Map<String, Object> access = claims.getJSONObjectClaim("realm_access");
        Object roles = access == null ? null : access.get("roles");
        return roles instanceof List<?> list ? list.stream().map(String::valueOf).sorted().toList() : List.of();
    }

    /** Printable lines, e.g. {@code act  booking-agent < planner-agent (acting now first)}. */
    List<String> lines() {
        return List.of(
                "sub       " + subject + (username == null ? "" : " (" + username + ")"),
                "act       " + (chain.isEmpty() ? "(none: not delegated)" : String.join(" < ", chain) + "   (acting now first)"),
                "roles     " + (roles.isEmpty() ? "(none)" : String.join(", ", roles)),
                "aud       " + String.join(", ", audience),
                "lifetime  " + lifetimeSeconds + " s");
    }
}
