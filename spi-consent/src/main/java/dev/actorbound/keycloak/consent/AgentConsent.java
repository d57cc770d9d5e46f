package dev.actorbound.keycloak.consent;

import java.util.Set;

/** What a user granted to one agent acting through one app: the scopes, and when. */
public record AgentConsent(String appUuid, String agentUuid, Set<String> scopes, long grantedAt) {

    public AgentConsent {
        scopes = Set.copyOf(scopes);
    }

    public boolean covers(Set<String> requested) {
        return scopes.containsAll(requested);
    }
}
