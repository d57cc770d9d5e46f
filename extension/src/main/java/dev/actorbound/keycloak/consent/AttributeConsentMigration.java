package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.AgentConsent;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Moves what the user-attribute store (release 0.1) left in user attributes into the table. Only records that count
 * move, verified exactly as that store verifies them (the realm's HMAC signature and the mirror's state); then every
 * record and the index attribute are deleted, counting or not, and the mirror of each agent is moved on, so that no
 * record written before can ever count again.
 *
 * <p>One transaction per user: a run that stops halfway resumes with the users it did not reach, and a run over users
 * already moved finds nobody, because it looks for the index attribute every record came with. Two nodes starting
 * together do not both run it (Keycloak's cluster-wide task lock).
 */
final class AttributeConsentMigration {

    private static final Logger LOG = Logger.getLogger(AttributeConsentMigration.class);
    private static final String TASK = "actorbound-consent-migration";
    private static final int TASK_TIMEOUT_SECONDS = 3600;

    private record Holder(String realmId, String userId) {
    }

    private AttributeConsentMigration() {
    }

    static void run(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                .executeIfNotExecuted(TASK, TASK_TIMEOUT_SECONDS, () -> moveAll(factory)));
    }

    private static int moveAll(KeycloakSessionFactory factory) {
        List<Holder> holders = KeycloakModelUtils.runJobInTransactionWithResult(factory, AttributeConsentMigration::holders);
        int moved = 0;
        for (Holder holder : holders) {
            try {
                moved += KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> move(session, holder));
            } catch (RuntimeException e) {
                // The user's records stay where they are and count for nothing; the next start-up tries again.
                LOG.warnf(e, "Could not move the agent consents of user %s in realm %s", holder.userId(), holder.realmId());
            }
        }
        if (!holders.isEmpty()) {
            LOG.infof("Moved %d agent consents of %d users from user attributes into table ACTORBOUND_AGENT_CONSENT",
                    moved, holders.size());
        }
        return moved;
    }

    /** Users with the index attribute, local or kept in federated storage. */
    private static List<Holder> holders(KeycloakSession session) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        Stream<Object[]> local = em.createQuery("select distinct a.user.realmId, a.user.id from UserAttributeEntity a"
                + " where a.name = :name", Object[].class).setParameter("name", UserAttributeConsentStore.CLIENTS_INDEX)
                .getResultStream();
        Stream<Object[]> federated = em.createQuery("select distinct f.realmId, f.userId from FederatedUserAttributeEntity f"
                + " where f.name = :name", Object[].class).setParameter("name", UserAttributeConsentStore.CLIENTS_INDEX)
                .getResultStream();
        return Stream.concat(local, federated).map(row -> new Holder((String) row[0], (String) row[1])).distinct().toList();
    }

    private static int move(KeycloakSession session, Holder holder) {
        RealmModel realm = session.realms().getRealm(holder.realmId());
        if (realm == null) {
            return 0;
        }
        session.getContext().setRealm(realm); // user storage asks the context which realm it serves
        UserModel user = session.users().getUserById(realm, holder.userId());
        if (user == null) {
            return 0;
        }
        List<AgentConsent> counting = new UserAttributeConsentStore(session).list(realm, user);
        JpaConsentStore table = new JpaConsentStore(session, CountingConsents.none());
        // A row the table already holds is newer than any record: it was written by this store.
        List<AgentConsent> moving = counting.stream()
                .filter(consent -> table.find(realm, user, consent.appUuid(), consent.agentUuid()).isEmpty()).toList();
        moving.forEach(consent -> table.restore(realm, user.getId(), consent));
        UserAttributeConsentStore.removeRecords(user);
        counting.stream().map(AgentConsent::agentUuid).distinct().map(realm::getClientById).filter(Objects::nonNull)
                .forEach(agent -> table.rebind(realm, user.getId(), agent));
        return moving.size();
    }
}
