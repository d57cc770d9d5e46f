package dev.actorbound.keycloak.consent;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.keycloak.models.UserModel;

/**
 * Consents keyed by (user, app, agent). Keycloak's own consent model has one entry per (user, client) and
 * cannot say which agent a consent was for, hence this store.
 */
public interface ConsentStore {

    Optional<AgentConsent> find(UserModel user, String appUuid, String agentUuid);

    void grant(UserModel user, String appUuid, String agentUuid, Set<String> scopes);

    boolean revoke(UserModel user, String appUuid, String agentUuid);

    List<AgentConsent> list(UserModel user);

    /** Whether a stored consent for (user, app, agent) covers every requested scope, so the page need not ask. */
    default boolean covers(UserModel user, String appUuid, String agentUuid, Set<String> requestedScopes) {
        return find(user, appUuid, agentUuid).filter(consent -> consent.covers(requestedScopes)).isPresent();
    }
}
