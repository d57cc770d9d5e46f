package dev.actorbound.keycloak.authorize;

import java.util.List;

import dev.actorbound.keycloak.core.AgentAttributes;

/**
 * The {@code requested_actor} of one authorization request, parsed before any decision is made.
 * Keycloak keeps unknown request parameters only up to its limits and drops the rest silently; comparing
 * what the client sent with what Keycloak kept is how a dropped value is caught instead of becoming a
 * plain login.
 *
 * @param value the accepted value, or {@code null} when the request asks for no agent
 * @param error why the parameter is unacceptable, or {@code null}
 */
public record RequestedActor(String value, String error) {

    private static final RequestedActor ABSENT = new RequestedActor(null, null);

    /**
     * @param sent the raw values of the parameter in the HTTP request (query or form), possibly empty
     * @param kept the value Keycloak kept among its additional request parameters (also filled from
     *             pushed or signed request objects), or {@code null}
     */
    public static RequestedActor parse(List<String> sent, String kept) {
        List<String> raw = sent == null ? List.of() : sent;
        if (raw.size() > 1) {
            return rejected("requested_actor must be sent only once");
        }
        String value = raw.isEmpty() ? kept : raw.get(0);
        if (value == null) {
            return ABSENT;
        }
        if (value.isBlank()) {
            return rejected("requested_actor must not be empty");
        }
        if (value.length() > AgentAttributes.REQUESTED_ACTOR_MAX_LENGTH) {
            return rejected("requested_actor must not be longer than "
                    + AgentAttributes.REQUESTED_ACTOR_MAX_LENGTH + " characters");
        }
        if (!value.equals(kept)) {
            return rejected("requested_actor was dropped by the server's request parameter limits; "
                    + "send fewer or shorter extra parameters");
        }
        return new RequestedActor(value, null);
    }

    private static RequestedActor rejected(String error) {
        return new RequestedActor(null, error);
    }

    public boolean isPresent() {
        return value != null;
    }

    public boolean isRejected() {
        return error != null;
    }
}
