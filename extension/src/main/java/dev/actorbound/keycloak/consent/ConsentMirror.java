package dev.actorbound.keycloak.consent;

import java.util.Optional;

import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserConsentModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.jpa.entities.UserEntity;

/**
 * The stock Keycloak consent on an agent's client that stands for a user's consents to that agent (the mirror), and
 * its last-updated time (the <em>stamp</em>), which only Keycloak sets and nobody can set back: the state a consent
 * record is bound to.
 */
final class ConsentMirror {

    /** How often an update is repeated when Keycloak stamped it within the same millisecond as the last one. */
    private static final int ATTEMPTS = 10;

    private final KeycloakSession session;
    private final RealmModel realm;

    ConsentMirror(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** The mirror's stamp, empty when the user has no stock consent on the agent's client. */
    Optional<Long> stamp(String userId, String agentUuid) {
        return Optional.ofNullable(session.users().getConsentByClient(realm, userId, agentUuid))
                .map(UserConsentModel::getLastUpdatedDate);
    }

    /**
     * Takes the lock on the user's consents ({@link #lockConsentsOf}) and returns the mirror's stamp as it stands under
     * it: what a change to the user's consents for this agent starts from.
     */
    Optional<Long> lock(String userId, String agentUuid) {
        lockConsentsOf(userId);
        return stamp(userId, agentUuid);
    }

    /**
     * Creates the mirror or updates it, and returns its new stamp, which no earlier state had. Empty when the store
     * does not move the stamp on: the caller then removes the mirror (fail closed). Under {@link #lock}.
     */
    Optional<Long> advance(String userId, ClientModel agent) {
        UserConsentModel mirror = session.users().getConsentByClient(realm, userId, agent.getId());
        if (mirror == null) {
            session.users().addConsent(realm, userId, new UserConsentModel(agent));
            return stamp(userId, agent.getId());
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            session.users().updateConsent(realm, userId, mirror);
            Optional<Long> stamp = stamp(userId, agent.getId());
            if (stamp.isPresent() && !stamp.get().equals(mirror.getLastUpdatedDate())) {
                return stamp;
            }
            pause();
        }
        return Optional.empty();
    }

    /**
     * Makes every other transaction that changes this user's consents wait until this one ends, then read what it
     * wrote. Without it, two "Allow" answers at once (two tabs, a form sent twice) both find no consent and both create
     * one: Keycloak's consent table then holds two for the same client, which Keycloak refuses to read from then on, and
     * our own table refuses the second row with a conflict. The lock is the user's row, held until the transaction ends;
     * the user's cached consents are dropped for this transaction, so that it reads the database, not a copy cached
     * before the other transaction committed. A user of a federation provider that keeps no local row takes no lock.
     */
    private void lockConsentsOf(String userId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .find(UserEntity.class, userId, LockModeType.PESSIMISTIC_WRITE);
        UserCache cache = session.getProvider(UserCache.class);
        UserModel user = cache == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            cache.evict(realm, user);
        }
    }

    void remove(String userId, String agentUuid) {
        session.users().revokeConsentForClient(realm, userId, agentUuid);
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
