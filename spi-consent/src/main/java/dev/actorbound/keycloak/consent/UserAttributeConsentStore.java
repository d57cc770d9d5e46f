package dev.actorbound.keycloak.consent;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserConsentModel;
import org.keycloak.models.UserModel;

/**
 * Keeps each consent as a signed user attribute {@code actorbound.consent.<app uuid>.<agent uuid>}. User
 * attributes need no schema, travel with realm export, survive restarts on every database and are deleted
 * with the user. A value whose signature, user, app or agent does not match counts as no consent.
 *
 * <p>Each agent a user consented to also gets a stock Keycloak consent on the agent's client (the <em>mirror</em>).
 * That is what makes the agent appear in the account console's Applications and in the admin console's
 * Users → Consents, where "Remove access" / "Revoke" delete the mirror. A consent counts only while its mirror
 * exists, so those stock buttons revoke the agent for every app at once, even before the cleanup listener has
 * removed the records. The attribute {@value #CLIENTS_INDEX} lists every app and agent a user's records name, so
 * that deleting a client finds the users to clean without scanning the realm.
 */
public final class UserAttributeConsentStore implements ConsentStore {

    static final String PREFIX = "actorbound.consent.";
    static final String CLIENTS_INDEX = "actorbound.delegation-clients";

    private final KeycloakSession session;
    private final RealmModel realm;

    /** The store of the request's realm. */
    public UserAttributeConsentStore(KeycloakSession session) {
        this(session, session.getContext().getRealm());
    }

    public UserAttributeConsentStore(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @Override
    public Optional<AgentConsent> find(UserModel user, String appUuid, String agentUuid) {
        return mirrored(user, agentUuid) ? record(user, appUuid, agentUuid) : Optional.empty();
    }

    @Override
    public void grant(UserModel user, String appUuid, String agentUuid, Set<String> scopes) {
        ConsentRecord record = new ConsentRecord(user.getId(), appUuid, agentUuid, List.copyOf(new TreeSet<>(scopes)));
        user.setSingleAttribute(key(appUuid, agentUuid), session.tokens().encode(record));
        reindex(user);
        ClientModel agent = realm.getClientById(agentUuid);
        if (agent != null && !mirrored(user, agentUuid)) {
            session.users().addConsent(realm, user.getId(), new UserConsentModel(agent));
        }
    }

    @Override
    public boolean revoke(UserModel user, String appUuid, String agentUuid) {
        String key = key(appUuid, agentUuid);
        boolean present = find(user, appUuid, agentUuid).isPresent();
        user.removeAttribute(key);
        reindex(user);
        if (!agentsOf(user).contains(agentUuid)) {
            session.users().revokeConsentForClient(realm, user.getId(), agentUuid);
        }
        return present;
    }

    @Override
    public List<AgentConsent> list(UserModel user) {
        Set<String> unmirrored = unmirroredAgents(user);
        return recordKeys(user).stream()
                .filter(key -> !unmirrored.contains(agentOf(key)))
                .map(key -> record(user, appOf(key), agentOf(key)))
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Deletes the records whose mirror is gone (the user or an admin removed the agent's stock consent) and the
     * mirrors no record needs any more.
     */
    public void prune(UserModel user) {
        Set<String> unmirrored = unmirroredAgents(user);
        for (String key : recordKeys(user)) {
            if (unmirrored.contains(agentOf(key))) {
                user.removeAttribute(key);
            }
        }
        reindex(user);
    }

    /** Deletes every record that names a deleted client, as app or as agent. */
    public void forgetClient(String clientUuid) {
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
                    .forEach(agent -> session.users().revokeConsentForClient(realm, user.getId(), agent));
        });
    }

    static String key(String appUuid, String agentUuid) {
        return PREFIX + appUuid + "." + agentUuid;
    }

    /** The signed record for (app, agent), whether or not its mirror still exists. */
    private Optional<AgentConsent> record(UserModel user, String appUuid, String agentUuid) {
        return user.getAttributeStream(key(appUuid, agentUuid)).findFirst()
                .map(value -> session.tokens().decode(value, ConsentRecord.class))
                .filter(record -> record.isFor(user.getId(), appUuid, agentUuid))
                .map(UserAttributeConsentStore::toConsent);
    }

    /** Agents named by the user's records whose mirror is gone; one lookup per agent, however many apps name it. */
    private Set<String> unmirroredAgents(UserModel user) {
        return agentsOf(user).stream().filter(agent -> !mirrored(user, agent)).collect(Collectors.toSet());
    }

    private boolean mirrored(UserModel user, String agentUuid) {
        return session.users().getConsentByClient(realm, user.getId(), agentUuid) != null;
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
        long grantedAt = record.getIat() == null ? 0L : record.getIat();
        return new AgentConsent(record.app(), record.agent(), Set.copyOf(record.scopes()), grantedAt);
    }
}
