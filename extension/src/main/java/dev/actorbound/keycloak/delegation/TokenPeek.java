package dev.actorbound.keycloak.delegation;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actorbound.keycloak.core.ActorChain;

/**
 * Reads a JWT's payload without verifying it. Only ever used to decide <em>who handles</em> or <em>who refuses</em>
 * a request (a side-effect-free {@code supports}, the guard against other grants): verification comes after, in
 * the handler, and a token that merely claims {@code act} is refused, never trusted.
 */
public final class TokenPeek {

    private static final int MAX_TOKEN_LENGTH = 64 * 1024;
    /** A plain reader: the payload is only looked at, never bound to Keycloak's token classes. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<?, ?> payload;

    private TokenPeek(Map<?, ?> payload) {
        this.payload = payload;
    }

    public static Optional<TokenPeek> of(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TokenPeek(JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class)));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public boolean carriesAct() {
        return payload.containsKey(ActorChain.CLAIM);
    }

    /** The issuer the token claims, or {@code null}. */
    public String issuer() {
        return payload.get("iss") instanceof String iss ? iss : null;
    }

    public boolean issuedBy(String issuer) {
        return issuer.equals(payload.get("iss"));
    }

    /** The client the token claims it was issued to ({@code azp}), for an event; {@code null} when absent. */
    public String claimedClient() {
        return payload.get("azp") instanceof String azp ? azp : null;
    }

    /** The user the token claims, for an event; {@code null} when absent. */
    public String claimedSubject() {
        return payload.get("sub") instanceof String sub ? sub : null;
    }

    /** The chain the token claims, for an event; {@code null} when absent or malformed. */
    public ActorChain claimedChain() {
        return ActorChain.fromClaim(payload.get(ActorChain.CLAIM));
    }

    /** The acting agent's client_id as the token claims it, for an event; {@code null} when absent or malformed. */
    public String claimedActor() {
        return payload.get(ActorChain.CLAIM) instanceof Map<?, ?> act && act.get("client_id") instanceof String clientId
                ? clientId : null;
    }
}
