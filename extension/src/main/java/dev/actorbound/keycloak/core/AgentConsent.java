package dev.actorbound.keycloak.core;

import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a user granted to one agent acting through one app: the names of the scopes the consent page listed (see
 * {@link ConsentScopes}), and when.
 */
public record AgentConsent(String appUuid, String agentUuid, Set<String> scopes, long grantedAt) {

    private static final Pattern SPACES = Pattern.compile("\\s+");

    public AgentConsent {
        scopes = Set.copyOf(scopes);
    }

    /** The scopes of a {@code scope} parameter: space separated, duplicates and empty entries ignored. */
    public static Set<String> scopesOf(String scopeParameter) {
        return scopeParameter == null ? Set.of() : Arrays.stream(SPACES.split(scopeParameter.trim()))
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public boolean covers(Set<String> requested) {
        return scopes.containsAll(requested);
    }
}
