package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.core.ConsentStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.util.JsonSerialization;

/**
 * Keeps each consent as a row of its own table ({@link AgentConsentEntity}), in Keycloak's database and transaction.
 * Nothing of it lives in the user: no user-profile setting shows, hides or deletes it, and no key rotation wipes it.
 * Every lookup reads the database, so a revocation on one cluster node is seen on every other at once.
 *
 * <p>As with every store, each agent a user consented to also has a stock Keycloak consent on the agent's client (the
 * mirror, {@link ConsentMirror}): it lists the agent in the account console's Applications and the admin console's
 * Users → Consents. A row counts only while the mirror has the last-updated time the row was written for, so those
 * screens' "Remove access" and "Revoke" take effect at once, and a mirror created again (the account API lets a user
 * create a stock consent for any client) brings no old row back.
 */
public final class JpaConsentStore implements ConsentStore {

    private final KeycloakSession session;
    private final EntityManager em;

    JpaConsentStore(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** A counting consent with the user it belongs to: what an export carries. */
    record UserConsent(String userId, AgentConsent consent) {
    }

    @Override
    public Optional<AgentConsent> find(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return counting(realm, user, appUuid, agentUuid).map(JpaConsentStore::toConsent);
    }

    /** Without reading the row's scopes. */
    @Override
    public boolean holds(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return counting(realm, user, appUuid, agentUuid).isPresent();
    }

    private Optional<AgentConsentEntity> counting(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        Optional<Long> stamp = new ConsentMirror(session, realm).stamp(user.getId(), agentUuid);
        return em.createNamedQuery(AgentConsentEntity.ONE, AgentConsentEntity.class)
                .setParameter("realm", realm.getId()).setParameter("user", user.getId())
                .setParameter("app", appUuid).setParameter("agent", agentUuid)
                // a list, not Hibernate's scrolling stream: at most one row, read on every delegated request
                .getResultList().stream().filter(row -> isBound(row, stamp)).findFirst();
    }

    @Override
    public void grant(RealmModel realm, UserModel user, String appUuid, String agentUuid, Set<String> scopes) {
        write(realm, user.getId(), new AgentConsent(appUuid, agentUuid, scopes, Time.currentTime()));
    }

    /** Stores a consent given earlier (an import, a migration), keeping when it was granted. */
    void restore(RealmModel realm, String userId, AgentConsent consent) {
        write(realm, userId, consent);
    }

    /**
     * Binds the row to the mirror's state, creating the mirror when there is none. Rows of the same agent that the
     * mirror no longer vouches for (revoked through Keycloak's screens) go; the app's own row is updated in place.
     */
    private void write(RealmModel realm, String userId, AgentConsent consent) {
        ClientModel agent = realm.getClientById(consent.agentUuid());
        Optional<Long> stamp = agent == null ? Optional.empty() : new ConsentMirror(session, realm).ensure(userId, agent);
        if (stamp.isEmpty()) {
            return; // the agent was deleted meanwhile, or the stock consent keeps no time: nothing to bind a row to
        }
        List<AgentConsentEntity> rows = rowsOf(realm, userId, consent.agentUuid());
        rows.stream().filter(row -> !row.getAppId().equals(consent.appUuid()) && !isBound(row, stamp)).forEach(em::remove);
        Optional<AgentConsentEntity> existing = rows.stream().filter(r -> r.getAppId().equals(consent.appUuid())).findFirst();
        AgentConsentEntity row = existing.orElseGet(() -> newRow(realm, userId, consent));
        row.setScopes(json(consent.scopes()));
        row.setMirrorStamp(stamp.get());
        row.setGrantedAt(consent.grantedAt());
        row.setUpdatedAt(Time.currentTime());
        if (existing.isEmpty()) {
            em.persist(row); // once complete: Hibernate takes an insert's values when it is persisted
        }
    }

    @Override
    public boolean revoke(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        Optional<Long> stamp = mirrors.stamp(user.getId(), agentUuid);
        List<AgentConsentEntity> rows = rowsOf(realm, user.getId(), agentUuid);
        boolean present = rows.stream().anyMatch(row -> row.getAppId().equals(appUuid) && isBound(row, stamp));
        rows.stream().filter(row -> row.getAppId().equals(appUuid) || !isBound(row, stamp)).forEach(em::remove);
        if (rows.stream().noneMatch(row -> !row.getAppId().equals(appUuid) && isBound(row, stamp))) {
            mirrors.remove(user.getId(), agentUuid); // no app left for this agent: it leaves Keycloak's screens too
        }
        return present;
    }

    @Override
    public List<AgentConsent> list(RealmModel realm, UserModel user) {
        List<AgentConsentEntity> rows = rowsOf(realm, user);
        Map<String, Optional<Long>> stamps = stamps(realm, user.getId(), rows);
        return rows.stream().filter(row -> isBound(row, stamps.get(row.getAgentId())))
                .map(JpaConsentStore::toConsent).toList();
    }

    @Override
    public void prune(RealmModel realm, UserModel user) {
        List<AgentConsentEntity> rows = rowsOf(realm, user);
        Map<String, Optional<Long>> stamps = stamps(realm, user.getId(), rows);
        rows.stream().filter(row -> !isBound(row, stamps.get(row.getAgentId()))).forEach(em::remove);
    }

    @Override
    public void forgetClient(RealmModel realm, String clientUuid) {
        List<AgentConsentEntity> naming = em.createNamedQuery(AgentConsentEntity.NAMING_CLIENT, AgentConsentEntity.class)
                .setParameter("realm", realm.getId()).setParameter("client", clientUuid).getResultList();
        Set<List<String>> servedAgents = new LinkedHashSet<>();
        naming.stream().filter(row -> !row.getAgentId().equals(clientUuid))
                .forEach(row -> servedAgents.add(List.of(row.getUserId(), row.getAgentId())));
        naming.forEach(em::remove);
        // Mirrors of agents that only served the deleted app; the deleted agent's own mirror goes with it.
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        servedAgents.stream().filter(pair -> rowsOf(realm, pair.get(0), pair.get(1)).isEmpty())
                .forEach(pair -> mirrors.remove(pair.get(0), pair.get(1)));
    }

    @Override
    public void forgetUser(RealmModel realm, String userId) {
        em.createNamedQuery(AgentConsentEntity.DELETE_OF_USER)
                .setParameter("realm", realm.getId()).setParameter("user", userId).executeUpdate();
    }

    /** Every consent of the realm that counts, for an export. */
    List<UserConsent> export(RealmModel realm) {
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        Map<List<String>, Optional<Long>> stamps = new HashMap<>();
        return em.createNamedQuery(AgentConsentEntity.OF_REALM, AgentConsentEntity.class)
                .setParameter("realm", realm.getId()).getResultStream()
                .filter(row -> isBound(row, stamps.computeIfAbsent(List.of(row.getUserId(), row.getAgentId()),
                        pair -> mirrors.stamp(pair.get(0), pair.get(1)))))
                .map(row -> new UserConsent(row.getUserId(), toConsent(row)))
                .toList();
    }

    /**
     * Moves the agent's mirror on and binds the user's counting rows for that agent to its new state. After a
     * migration this makes sure that no record written before it can count again, under either store.
     */
    void rebind(RealmModel realm, String userId, ClientModel agent) {
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        Optional<Long> before = mirrors.stamp(userId, agent.getId());
        List<AgentConsentEntity> live = rowsOf(realm, userId, agent.getId()).stream()
                .filter(row -> isBound(row, before)).toList();
        Optional<Long> after = live.isEmpty() ? Optional.empty() : mirrors.advance(userId, agent);
        live.forEach(row -> after.ifPresentOrElse(row::setMirrorStamp, () -> em.remove(row)));
        if (after.isEmpty()) {
            mirrors.remove(userId, agent.getId());
        }
    }

    private List<AgentConsentEntity> rowsOf(RealmModel realm, UserModel user) {
        return em.createNamedQuery(AgentConsentEntity.OF_USER, AgentConsentEntity.class)
                .setParameter("realm", realm.getId()).setParameter("user", user.getId()).getResultList();
    }

    private List<AgentConsentEntity> rowsOf(RealmModel realm, String userId, String agentUuid) {
        return em.createNamedQuery(AgentConsentEntity.OF_USER_AND_AGENT, AgentConsentEntity.class)
                .setParameter("realm", realm.getId()).setParameter("user", userId).setParameter("agent", agentUuid)
                .getResultList();
    }

    /** The mirror stamps of every agent the user's rows name: one lookup per agent, however many apps name it. */
    private Map<String, Optional<Long>> stamps(RealmModel realm, String userId, List<AgentConsentEntity> rows) {
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        Map<String, Optional<Long>> stamps = new HashMap<>();
        rows.forEach(row -> stamps.computeIfAbsent(row.getAgentId(), agent -> mirrors.stamp(userId, agent)));
        return stamps;
    }

    private AgentConsentEntity newRow(RealmModel realm, String userId, AgentConsent consent) {
        AgentConsentEntity row = new AgentConsentEntity();
        row.setId(KeycloakModelUtils.generateId());
        row.setRealmId(realm.getId());
        row.setUserId(userId);
        row.setAppId(consent.appUuid());
        row.setAgentId(consent.agentUuid());
        return row;
    }

    private static boolean isBound(AgentConsentEntity row, Optional<Long> stamp) {
        return stamp.isPresent() && stamp.get() == row.getMirrorStamp();
    }

    private static AgentConsent toConsent(AgentConsentEntity row) {
        try {
            return new AgentConsent(row.getAppId(), row.getAgentId(),
                    Set.copyOf(Arrays.asList(JsonSerialization.readValue(row.getScopes(), String[].class))), row.getGrantedAt());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable scopes in agent consent " + row.getId(), e);
        }
    }

    private static String json(Set<String> scopes) {
        try {
            return JsonSerialization.writeValueAsString(new TreeSet<>(scopes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
