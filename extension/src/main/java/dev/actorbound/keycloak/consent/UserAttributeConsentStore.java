package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.core.ConsentStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The store of release 0.1, deprecated: keeps each consent as a signed user attribute
 * {@code actorbound.consent.<app uuid>.<agent uuid>}. Used only when chosen explicitly, and by
 * {@link AttributeConsentMigration}, which reads these records once to move them into {@link JpaConsentStore}'s table.
 * Attributes depend on the realm's HMAC key and on user-profile settings, which is why the table replaced them.
 * A value whose signature, user, app or agent does not match counts as no consent.
 *
 * <p>Each agent a user consented to also gets a stock Keycloak consent on the agent's client (the <em>mirror</em>).
 * That is what makes the agent appear in the account console's Applications and in the admin console's
 * Users → Consents, where "Remove access" / "Revoke" delete the mirror. A consent counts only while its mirror
 * exists, so those stock buttons revoke the agent for every app at once, even before the cleanup listener has
 * removed the records. The attribute {@value #CLIENTS_INDEX} lists every app and agent a user's records name, so
 * that deleting a client finds the users to clean without scanning the realm.
 *
 * <p>A revoked consent cannot be revived by writing a record's old value back into the attributes (an admin may edit
 * them, and so may the user where the realm allows it). Each record names the mirror's last-updated time, and counts
 * only while the mirror still has that time: every change of an agent's records moves the mirror on (see
 * {@link #rewrite}). Only Keycloak sets a stock consent's times, and nobody can set them back: a user may delete a
 * mirror or create a new one through the account API, an admin may delete one, but neither can restore an earlier
 * state. A revocation state kept in another attribute would not do: whoever can write one attribute back can write
 * two.
 */
public final class UserAttributeConsentStore implements ConsentStore {

    static final String PREFIX = "actorbound.consent.";
    static final String CLIENTS_INDEX = "actorbound.delegation-clients";

    private final KeycloakSession session;

    UserAttributeConsentStore(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Optional<AgentConsent> find(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return new Records(session, realm).find(user, appUuid, agentUuid);
    }

    @Override
    public void grant(RealmModel realm, UserModel user, String appUuid, String agentUuid, Set<String> scopes) {
        new Records(session, realm).grant(user, appUuid, agentUuid, scopes);
    }

    @Override
    public boolean revoke(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return new Records(session, realm).revoke(user, appUuid, agentUuid);
    }

    @Override
    public List<AgentConsent> list(RealmModel realm, UserModel user) {
        return new Records(session, realm).list(user);
    }

    @Override
    public void prune(RealmModel realm, UserModel user) {
        new Records(session, realm).prune(user);
    }

    @Override
    public void forgetClient(RealmModel realm, String clientUuid) {
        new Records(session, realm).forgetClient(clientUuid);
    }

    /** Nothing to do: the attributes are deleted with the user. */
    @Override
    public void forgetUser(RealmModel realm, String userId) {
    }

    /** Deletes every record and the index, whether or not they count: the migration to the table is done. */
    static void removeRecords(UserModel user) {
        recordKeys(user).forEach(user::removeAttribute);
        user.removeAttribute(CLIENTS_INDEX);
    }

    static String key(String appUuid, String agentUuid) {
        return PREFIX + appUuid + "." + agentUuid;
    }

    /** The records of one realm: its signing key and its users' mirrors. */
    private static final class Records {

        private final KeycloakSession session;
        private final RealmModel realm;
        private final ConsentSignature signature;
        private final ConsentMirror mirrors;

        Records(KeycloakSession session, RealmModel realm) {
            this.session = session;
            this.realm = realm;
            this.signature = new ConsentSignature(session, realm);
            this.mirrors = new ConsentMirror(session, realm);
        }

        Optional<AgentConsent> find(UserModel user, String appUuid, String agentUuid) {
            return mirrors.stamp(user.getId(), agentUuid).flatMap(stamp -> record(user, appUuid, agentUuid, stamp))
                    .map(UserAttributeConsentStore::toConsent);
        }

        void grant(UserModel user, String appUuid, String agentUuid, Set<String> scopes) {
            ClientModel agent = realm.getClientById(agentUuid);
            if (agent == null) {
                return; // deleted meanwhile: no mirror to bind a record to, and its consents are being cleaned up
            }
            // Bound to no mirror state yet (0): rewrite binds it to the state it creates.
            ConsentRecord record = new ConsentRecord(user.getId(), appUuid, agentUuid, List.copyOf(new TreeSet<>(scopes)),
                    Time.currentTime(), 0L);
            rewrite(user, agent, live -> live.put(appUuid, record));
        }

        boolean revoke(UserModel user, String appUuid, String agentUuid) {
            boolean present = find(user, appUuid, agentUuid).isPresent();
            ClientModel agent = realm.getClientById(agentUuid);
            if (agent == null) {
                user.removeAttribute(key(appUuid, agentUuid));
                reindex(user);
            } else {
                rewrite(user, agent, live -> live.remove(appUuid));
            }
            return present;
        }

        List<AgentConsent> list(UserModel user) {
            Map<String, Optional<Long>> stamps = new HashMap<>();
            return recordKeys(user).stream()
                    .map(key -> stamps.computeIfAbsent(agentOf(key), agent -> mirrors.stamp(user.getId(), agent))
                            .flatMap(stamp -> record(user, appOf(key), agentOf(key), stamp)))
                    .flatMap(Optional::stream)
                    .map(UserAttributeConsentStore::toConsent)
                    .toList();
        }

        /**
         * Deletes the records whose mirror is gone (the user or an admin removed the agent's stock consent) and the
         * mirrors no record needs any more.
         */
        void prune(UserModel user) {
            Set<String> unmirrored = unmirroredAgents(user);
            for (String key : recordKeys(user)) {
                if (unmirrored.contains(agentOf(key))) {
                    user.removeAttribute(key);
                }
            }
            reindex(user);
        }

        /** Deletes every record that names a deleted client, as app or as agent. */
        void forgetClient(String clientUuid) {
            session.users().searchForUserByUserAttributeStream(realm, CLIENTS_INDEX, clientUuid).toList().forEach(user -> {
                Set<String> agentsBefore = agentsOf(user);
                for (String key : recordKeys(user)) {
                    if (appOf(key).equals(clientUuid) || agentOf(key).equals(clientUuid)) {
                        user.removeAttribute(key);
                    }
                }
                agentsBefore.removeAll(agentsOf(user));
                reindex(user);
                // Mirrors of agents that only served the deleted app; the deleted agent's own mirror goes with it.
                agentsBefore.stream().filter(agent -> !agent.equals(clientUuid))
                        .forEach(agent -> mirrors.remove(user.getId(), agent));
            });
        }

        /**
         * Every change of an agent's records goes through here: {@code change} edits the records that count now (by app),
         * then the agent's attributes are written anew. With records left, the mirror is created or moved on and they
         * are signed again for its new state; with none left, the mirror is deleted. Either way no earlier value of any
         * of the agent's records counts afterwards.
         */
        private void rewrite(UserModel user, ClientModel agent, Consumer<Map<String, ConsentRecord>> change) {
            Map<String, ConsentRecord> live = new TreeMap<>();
            mirrors.stamp(user.getId(), agent.getId()).ifPresent(stamp -> recordKeys(user).stream()
                    .filter(key -> agentOf(key).equals(agent.getId()))
                    .forEach(key -> record(user, appOf(key), agent.getId(), stamp).ifPresent(r -> live.put(r.app(), r))));
            change.accept(live);
            recordKeys(user).stream().filter(key -> agentOf(key).equals(agent.getId())).forEach(user::removeAttribute);
            Optional<Long> stamp = live.isEmpty() ? Optional.empty() : mirrors.advance(user.getId(), agent);
            if (stamp.isEmpty()) {
                mirrors.remove(user.getId(), agent.getId());
            }
            stamp.ifPresent(newStamp -> live.forEach((app, record) ->
                    user.setSingleAttribute(key(app, agent.getId()), signature.sign(record.boundTo(newStamp)))));
            reindex(user);
        }

        /** The record for (app, agent) if its signature holds and it names this user, app, agent and mirror state. */
        private Optional<ConsentRecord> record(UserModel user, String appUuid, String agentUuid, Long stamp) {
            return stamp == null ? Optional.empty() : user.getAttributeStream(key(appUuid, agentUuid)).findFirst()
                    .flatMap(signature::verify)
                    .filter(record -> record.isFor(user.getId(), appUuid, agentUuid, stamp));
        }

        /** Agents named by the user's records whose mirror is gone; one lookup per agent, however many apps name it. */
        private Set<String> unmirroredAgents(UserModel user) {
            return agentsOf(user).stream().filter(agent -> mirrors.stamp(user.getId(), agent).isEmpty()).collect(Collectors.toSet());
        }

    }

    private static Set<String> agentsOf(UserModel user) {
        return recordKeys(user).stream().map(UserAttributeConsentStore::agentOf).collect(Collectors.toSet());
    }

    private static List<String> recordKeys(UserModel user) {
        return user.getAttributes().keySet().stream()
                .filter(name -> name.startsWith(PREFIX) && name.indexOf('.', PREFIX.length()) > 0)
                .sorted()
                .toList();
    }

    private static void reindex(UserModel user) {
        List<String> clients = recordKeys(user).stream()
                .flatMap(key -> Stream.of(appOf(key), agentOf(key)))
                .distinct().sorted().toList();
        if (clients.isEmpty()) {
            user.removeAttribute(CLIENTS_INDEX);
        } else {
            user.setAttribute(CLIENTS_INDEX, clients);
        }
    }

    private static String appOf(String key) {
        String ids = key.substring(PREFIX.length());
        return ids.substring(0, ids.indexOf('.'));
    }

    private static String agentOf(String key) {
        String ids = key.substring(PREFIX.length());
        return ids.substring(ids.indexOf('.') + 1);
    }

    private static AgentConsent toConsent(ConsentRecord record) {
        return new AgentConsent(record.app(), record.agent(), Set.copyOf(record.scopes()), record.grantedAt());
    }
}
