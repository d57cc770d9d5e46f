package dev.actorbound.keycloak.actortoken;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.OAuth2Constants;

/**
 * {@code actor_token} and {@code actor_token_type} of a token request, parsed before anything is looked up (so that
 * a malformed request does not consume a code). The one parser of every grant that takes an actor token: code
 * redemption, refresh and the delegation exchange.
 *
 * @param token the actor token, or {@code null} when none was sent
 * @param error why the parameters are malformed, or {@code null}
 */
public record ActorTokenParameters(String token, String error) {

    /** The {@code actor_token_type} values accepted, also advertised in the realm's discovery document. */
    public static final List<String> ACCEPTED_TYPES = List.of(OAuth2Constants.ACCESS_TOKEN_TYPE, OAuth2Constants.JWT_TOKEN_TYPE);
    /** Keycloak's own default limit for token parameters of the token endpoint. */
    static final int MAX_LENGTH = 20000;

    public static ActorTokenParameters parse(MultivaluedMap<String, String> form) {
        List<String> tokens = form.getOrDefault(OAuth2Constants.ACTOR_TOKEN, List.of());
        List<String> types = form.getOrDefault(OAuth2Constants.ACTOR_TOKEN_TYPE, List.of());
        if (tokens.size() > 1 || types.size() > 1) {
            return invalid("actor_token and actor_token_type must be sent only once");
        }
        String token = tokens.isEmpty() ? null : tokens.get(0);
        String type = types.isEmpty() ? null : types.get(0);
        if (token != null && token.isBlank()) {
            return invalid("actor_token must not be empty");
        }
        if (token != null && token.length() > MAX_LENGTH) {
            return invalid("actor_token must not be longer than " + MAX_LENGTH + " characters");
        }
        if (type != null && !ACCEPTED_TYPES.contains(type)) {
            return invalid("actor_token_type must be " + String.join(" or ", ACCEPTED_TYPES));
        }
        if (type != null && token == null) {
            return invalid("actor_token_type was sent without actor_token");
        }
        return new ActorTokenParameters(token, null);
    }

    private static ActorTokenParameters invalid(String error) {
        return new ActorTokenParameters(null, error);
    }
}
