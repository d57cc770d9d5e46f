package dev.actorbound.keycloak.delegation;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actorbound.keycloak.core.ActorChain;
import org.keycloak.models.KeycloakSession;

/**
 * Reads a JWT's payload without verifying it. Only ever used to decide <em>who handles</em> or <em>who refuses</em>
 * a request (a side-effect-free {@code supports}, the guard against other grants): verification comes after, in
 * the handler, and a token that merely claims {@code act} is refused, never trusted.
 *
 * <p>Every token request of a server with the jar is looked at this way, delegated or not, so the look is cheap: one
 * streaming pass over the payload's top level (nested values are skipped, though still checked to be JSON) finds
 * {@code iss} and whether {@code act} is there. Only a refusal's event reads more, and only then is the payload
 * parsed whole. Within one request a token is looked at once ({@link #inRequest}).
 */
public final class TokenPeek {

    private static final int MAX_TOKEN_LENGTH = 64 * 1024;
    private static final String IN_REQUEST = TokenPeek.class.getName() + ".inRequest";
    /** A plain reader: the payload is only looked at, never bound to Keycloak's token classes. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] json;
    private final boolean carriesAct;
    private final String issuer;
    private Map<?, ?> payload;

    private TokenPeek(byte[] json, boolean carriesAct, String issuer) {
        this.json = json;
        this.carriesAct = carriesAct;
        this.issuer = issuer;
    }

    public static Optional<TokenPeek> of(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int first = token.indexOf('.');
        if (first < 0) {
            return Optional.empty();
        }
        int second = token.indexOf('.', first + 1);
        try {
            byte[] json = Base64.getUrlDecoder().decode(token.substring(first + 1, second < 0 ? token.length() : second));
            return topLevel(json);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * {@link #of}, remembered for the rest of the request: {@code supports} of the exchange and the guard of every
     * grant look at the same subject token.
     */
    @SuppressWarnings("unchecked")
    public static Optional<TokenPeek> inRequest(KeycloakSession session, String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Map<String, Optional<TokenPeek>> seen = session.getAttribute(IN_REQUEST, Map.class);
        if (seen == null) {
            seen = new HashMap<>();
            session.setAttribute(IN_REQUEST, seen);
        }
        return seen.computeIfAbsent(token, TokenPeek::of);
    }

    // As a Map read would see it: a JSON object; act present under any value; the last iss wins, a string or nothing.
    private static Optional<TokenPeek> topLevel(byte[] json) throws java.io.IOException {
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            boolean act = false;
            String iss = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (ActorChain.CLAIM.equals(name)) {
                    act = true;
                } else if ("iss".equals(name)) {
                    iss = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                return Optional.empty();
            }
            return Optional.of(new TokenPeek(json, act, iss));
        }
    }

    /** The whole payload, read the first time a refusal's event asks for more than {@code iss} and {@code act}. */
    private Map<?, ?> payload() {
        if (payload == null) {
            try {
                payload = JSON.readValue(json, Map.class);
            } catch (java.io.IOException e) {
                payload = Map.of();
            }
        }
        return payload;
    }

    public boolean carriesAct() {
        return carriesAct;
    }

    /** The issuer the token claims, or {@code null}. */
    public String issuer() {
        return issuer;
    }

    public boolean issuedBy(String issuer) {
        return issuer.equals(this.issuer);
    }

    /** The client the token claims it was issued to ({@code azp}), for an event; {@code null} when absent. */
    public String claimedClient() {
        return payload().get("azp") instanceof String azp ? azp : null;
    }

    /** The user the token claims, for an event; {@code null} when absent. */
    public String claimedSubject() {
        return payload().get("sub") instanceof String sub ? sub : null;
    }

    /** The chain the token claims, for an event; {@code null} when absent or malformed. */
    public ActorChain claimedChain() {
        return ActorChain.fromClaim(payload().get(ActorChain.CLAIM));
    }

    /** The acting agent's client_id as the token claims it, for an event; {@code null} when absent or malformed. */
    public String claimedActor() {
        return payload().get(ActorChain.CLAIM) instanceof Map<?, ?> act && act.get("client_id") instanceof String clientId
                ? clientId : null;
    }
}
