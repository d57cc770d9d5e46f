package dev.actorbound.keycloak.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Consents keyed by (realm, user, app, agent). Keycloak's own consent model has one entry per (user, client) and
 * cannot say which agent a consent was for, hence this store. Obtained from the session ({@link #of}); the
 * provider is chosen with {@code --spi-actorbound-consent-store--provider=<id>}.
 */
public interface ConsentStore extends Provider {

    static ConsentStore of(KeycloakSession session) {
        return session.getProvider(ConsentStore.class);
    }

    Optional<AgentConsent> find(RealmModel realm, UserModel user, String appUuid, String agentUuid);

    /** Whether the consent exists, for checks that need no more (every introspection of a delegated token asks). */
    default boolean holds(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return find(realm, user, appUuid, agentUuid).isPresent();
    }

    void grant(RealmModel realm, UserModel user, String appUuid, String agentUuid, Set<String> scopes);

    /** Returns whether a consent was there to revoke. */
    boolean revoke(RealmModel realm, UserModel user, String appUuid, String agentUuid);

    List<AgentConsent> list(RealmModel realm, UserModel user);

    /**
     * Deletes the user's consents for agents whose stock consent (the mirror the account console shows) is gone:
     * the user or an admin removed the agent there.
     */
    void prune(RealmModel realm, UserModel user);

    /** Deletes every consent that names a deleted client, as app or as agent. */
    void forgetClient(RealmModel realm, String clientUuid);

    /** Deletes every consent of a deleted user. */
    void forgetUser(RealmModel realm, String userId);

    /** Whether a stored consent for (user, app, agent) covers every requested scope, so the page need not ask. */
    default boolean covers(RealmModel realm, UserModel user, String appUuid, String agentUuid, Set<String> requestedScopes) {
        return find(realm, user, appUuid, agentUuid).filter(consent -> consent.covers(requestedScopes)).isPresent();
    }

    @Override
    default void close() {
    }
}
