package dev.actorbound.keycloak.core;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import org.keycloak.models.ClientModel;

/**
 * Typed, validated view of an agent's {@code actorbound.*} client attributes. Unparseable values are
 * treated as unset so that the server-wide defaults (the safe choice) apply.
 */
public record AgentSettings(List<String> allowedClients, List<String> delegates, OptionalInt maxChainDepth,
                            boolean refreshAllowed, OptionalInt tokenLifespan) {

    private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

    public static AgentSettings of(ClientModel client) {
        return new AgentSettings(
                list(client.getAttribute(AgentAttributes.ALLOWED_CLIENTS)),
                list(client.getAttribute(AgentAttributes.DELEGATES)),
                positiveInt(client.getAttribute(AgentAttributes.MAX_CHAIN_DEPTH)),
                Boolean.parseBoolean(client.getAttribute(AgentAttributes.REFRESH_ALLOWED)),
                positiveInt(client.getAttribute(AgentAttributes.TOKEN_LIFESPAN)));
    }

    /** An unset or empty list allows every app of the realm; otherwise only the listed client_ids. */
    public boolean acceptsClient(String clientId) {
        return allowedClients.isEmpty() || allowedClients.contains(clientId);
    }

    /** Splits a client_id list as admins write it: commas or white space between names. */
    public static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(SEPARATORS.split(value)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static OptionalInt positiveInt(String value) {
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            return parsed > 0 ? OptionalInt.of(parsed) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
