package dev.actorbound.keycloak.admin;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

import dev.actorbound.keycloak.core.AgentSettings;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

/**
 * One entry of the Agents page, parsed from the component's config into typed values before anything is looked up
 * in the realm. Field names have no dots: the admin console's page form cannot round-trip dotted config names.
 */
record AgentEntry(String agent, List<String> allowedClients, List<String> delegates, OptionalInt maxChainDepth,
                  OptionalInt tokenLifespan, boolean refreshAllowed) {

    static final String AGENT = "agent";
    static final String ALLOWED_CLIENTS = "allowedClients";
    static final String DELEGATES = "delegates";
    static final String MAX_CHAIN_DEPTH = "maxChainDepth";
    static final String TOKEN_LIFESPAN = "tokenLifespan";
    static final String REFRESH_ALLOWED = "refreshAllowed";

    static final Range DEPTH = new Range(1, 10);
    static final Range LIFESPAN = new Range(10, 3600);

    /** Inclusive bounds of a number field. */
    record Range(int min, int max) {
    }

    static AgentEntry from(ComponentModel model) {
        String agent = model.get(AGENT);
        if (agent == null || agent.isBlank()) {
            throw new ComponentValidationException(Messages.AGENT_REQUIRED);
        }
        return new AgentEntry(agent.trim(),
                clientIds(model, ALLOWED_CLIENTS),
                clientIds(model, DELEGATES),
                number(model, MAX_CHAIN_DEPTH, Messages.MAX_CHAIN_DEPTH, DEPTH),
                number(model, TOKEN_LIFESPAN, Messages.TOKEN_LIFESPAN, LIFESPAN),
                bool(model, REFRESH_ALLOWED));
    }

    /** Each value may itself hold several client_ids, as REST and kcadm users tend to write them. */
    private static List<String> clientIds(ComponentModel model, String field) {
        List<String> values = model.getConfig().getOrDefault(field, List.of());
        return values.stream().flatMap(value -> AgentSettings.list(value).stream()).distinct().toList();
    }

    private static OptionalInt number(ComponentModel model, String field, String label, Range range) {
        String value = model.get(field);
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ComponentValidationException(Messages.NOT_A_NUMBER, label);
        }
        if (parsed < range.min() || parsed > range.max()) {
            // Strings, not numbers: MessageFormat would group 3600 as "3,600".
            throw new ComponentValidationException(Messages.OUT_OF_RANGE, label,
                    String.valueOf(range.min()), String.valueOf(range.max()));
        }
        return OptionalInt.of(parsed);
    }

    private static boolean bool(ComponentModel model, String field) {
        String value = model.get(field);
        if (value == null || value.isBlank()) {
            return false;
        }
        if (Stream.of("true", "false").noneMatch(value.trim()::equalsIgnoreCase)) {
            throw new ComponentValidationException(Messages.NOT_A_BOOLEAN, Messages.REFRESH_ALLOWED);
        }
        return Boolean.parseBoolean(value.trim());
    }
}
