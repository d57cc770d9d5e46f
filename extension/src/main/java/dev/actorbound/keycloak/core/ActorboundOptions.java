package dev.actorbound.keycloak.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Server-wide delegation options, parsed once at start-up. Out-of-range values fall back to the defaults,
 * which are the safe choice.
 */
public record ActorboundOptions(int delegatedTokenLifetime, int maxChainDepth) {

    public static final String DELEGATED_TOKEN_LIFETIME = "delegated-token-lifetime";
    public static final String MAX_CHAIN_DEPTH = "max-chain-depth";
    public static final ActorboundOptions DEFAULTS = new ActorboundOptions(300, 3);

    /** Reads each option by name ({@code null} when unset). */
    public static ActorboundOptions from(Function<String, Integer> option) {
        return new ActorboundOptions(
                bounded(option.apply(DELEGATED_TOKEN_LIFETIME), 10, 86_400, DEFAULTS.delegatedTokenLifetime()),
                bounded(option.apply(MAX_CHAIN_DEPTH), 1, 10, DEFAULTS.maxChainDepth()));
    }

    /** An agent's delegated token lifetime: its own access-token lifespan if set, else the server-wide default. */
    public int lifetimeFor(AgentSettings agent) {
        return agent.tokenLifespan().orElse(delegatedTokenLifetime);
    }

    /** The values in effect, keyed by option name, as the server info page shows them. */
    public Map<String, String> asMap() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(DELEGATED_TOKEN_LIFETIME, Integer.toString(delegatedTokenLifetime));
        values.put(MAX_CHAIN_DEPTH, Integer.toString(maxChainDepth));
        return values;
    }

    private static int bounded(Integer value, int min, int max, int fallback) {
        return value == null || value < min || value > max ? fallback : value;
    }
}
