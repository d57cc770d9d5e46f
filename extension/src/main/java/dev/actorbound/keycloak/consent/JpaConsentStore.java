package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.core.ConsentStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
 *
 * <p>Every change to which rows count for a (user, agent) moves the mirror's stamp on and binds the rows that stay to
 * the new one. That lets a server remember what counted under a stamp ({@link CountingConsents}) instead of asking
 * the database on every delegated request: a stamp that moved on is never read again.
 */
public final class JpaConsentStore implements ConsentStore {

    private final KeycloakSession session;
    private final EntityManager em;
    private final CountingConsents remembered;
    /** Set once this transaction changed a row: what it reads may still roll back, so it remembers nothing. */
    private boolean changed;

    JpaConsentStore(KeycloakSession session, CountingConsents remembered) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.remembered = remembered;
    }

    /** A counting consent with the user it belongs to: what an export carries. */
    record UserConsent(String userId, AgentConsent consent) {
    }

    @Override
    public Optional<AgentConsent> find(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return counting(realm, user, appUuid, agentUuid);
    }

    @Override
    public boolean holds(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        return counting(realm, user, appUuid, agentUuid).isPresent();
    }

    /** No mirror, no consent; otherwise what counted under the mirror's stamp, read once per stamp and server. */
    private Optional<AgentConsent> counting(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        Optional<Long> stamp = new ConsentMirror(session, realm).stamp(user.getId(), agentUuid);
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        CountingConsents.Bound bound = remembered.get(realm.getId(), user.getId(), agentUuid, stamp.get())
                .orElseGet(() -> read(realm, user.getId(), agentUuid, stamp.get()));
        return Optional.ofNullable(bound.byApp().get(appUuid));
    }

    private CountingConsents.Bound read(RealmModel realm, String userId, String agentUuid, long stamp) {
        Map<String, AgentConsent> byApp = new HashMap<>();
        Optional<Long> under = Optional.of(stamp);
        rowsOf(realm, userId, agentUuid).stream().filter(row -> isBound(row, under))
                .forEach(row -> byApp.put(row.getAppId(), toConsent(row)));
        CountingConsents.Bound bound = new CountingConsents.Bound(stamp, byApp);
        if (!changed) {
            remembered.put(realm.getId(), userId, agentUuid, bound);
        }
        return bound;
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
     * Writes the app's row and moves the mirror on, creating it when there is none; the agent's other rows that
     * counted are bound to the new stamp, those the mirror no longer vouched for (revoked through Keycloak's screens)
     * go. The app's own row is updated in place.
     */
    private void write(RealmModel realm, String userId, AgentConsent consent) {
        ClientModel agent = realm.getClientById(consent.agentUuid());
        if (agent == null) {
            return; // the agent was deleted meanwhile: nothing to bind a row to
        }
        changed = true;
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        Optional<Long> before = mirrors.lock(userId, agent.getId());
        List<AgentConsentEntity> rows = rowsOf(realm, userId, consent.agentUuid());
        Optional<AgentConsentEntity> existing = rows.stream().filter(r -> r.getAppId().equals(consent.appUuid())).findFirst();
        List<AgentConsentEntity> others = rows.stream().filter(row -> !row.getAppId().equals(consent.appUuid())).toList();
        others.stream().filter(row -> !isBound(row, before)).forEach(em::remove);
        AgentConsentEntity row = existing.orElseGet(() -> newRow(realm, userId, consent));
        row.setScopes(json(consent.scopes()));
        row.setGrantedAt(consent.grantedAt());
        row.setUpdatedAt(Time.currentTime());
        List<AgentConsentEntity> kept = new ArrayList<>(others.stream().filter(other -> isBound(other, before)).toList());
        existing.ifPresent(kept::add);
        Optional<Long> after = moveOn(userId, agent, kept, mirrors);
        if (after.isPresent()) {
            row.setMirrorStamp(after.get());
            if (existing.isEmpty()) {
                em.persist(row); // once complete: Hibernate takes an insert's values when it is persisted
            }
        }
    }

    @Override
    public boolean revoke(RealmModel realm, UserModel user, String appUuid, String agentUuid) {
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        changed = true;
        Optional<Long> stamp = mirrors.lock(user.getId(), agentUuid);
        List<AgentConsentEntity> rows = rowsOf(realm, user.getId(), agentUuid);
        boolean present = rows.stream().anyMatch(row -> row.getAppId().equals(appUuid) && isBound(row, stamp));
        rows.stream().filter(row -> row.getAppId().equals(appUuid) || !isBound(row, stamp)).forEach(em::remove);
        if (present) {
            List<AgentConsentEntity> kept = rows.stream()
                    .filter(row -> !row.getAppId().equals(appUuid) && isBound(row, stamp)).toList();
            reseal(realm, user.getId(), realm.getClientById(agentUuid), kept, mirrors);
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

    /** Removes only rows that no longer count: what counts stays as it was, so the stamp need not move. */
    @Override
    public void prune(RealmModel realm, UserModel user) {
        changed = true;
        List<AgentConsentEntity> rows = rowsOf(realm, user);
        Map<String, Optional<Long>> stamps = stamps(realm, user.getId(), rows);
        rows.stream().filter(row -> !isBound(row, stamps.get(row.getAgentId()))).forEach(em::remove);
    }

    /**
     * The deleted client's own mirrors go with it (Keycloak deletes a client's consents). For the agents it was an app
     * of, the rows that stay are bound to a moved-on stamp: a client created again with the same id (an import can
     * set it) must find no consent a server remembered for the deleted one.
     */
    @Override
    public void forgetClient(RealmModel realm, String clientUuid) {
        changed = true;
        List<AgentConsentEntity> naming = em.createNamedQuery(AgentConsentEntity.NAMING_CLIENT, AgentConsentEntity.class)
                .setParameter("realm", realm.getId()).setParameter("client", clientUuid).getResultList();
        Set<List<String>> servedAgents = new LinkedHashSet<>();
        naming.stream().filter(row -> !row.getAgentId().equals(clientUuid))
                .forEach(row -> servedAgents.add(List.of(row.getUserId(), row.getAgentId())));
        naming.forEach(em::remove);
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        for (List<String> pair : servedAgents) {
            Optional<Long> stamp = mirrors.lock(pair.get(0), pair.get(1));
            List<AgentConsentEntity> kept = rowsOf(realm, pair.get(0), pair.get(1)).stream()
                    .filter(row -> isBound(row, stamp)).toList();
            reseal(realm, pair.get(0), realm.getClientById(pair.get(1)), kept, mirrors);
        }
    }

    @Override
    public void forgetUser(RealmModel realm, String userId) {
        changed = true;
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
        changed = true;
        ConsentMirror mirrors = new ConsentMirror(session, realm);
        Optional<Long> before = mirrors.lock(userId, agent.getId());
        List<AgentConsentEntity> live = rowsOf(realm, userId, agent.getId()).stream()
                .filter(row -> isBound(row, before)).toList();
        reseal(realm, userId, agent, live, mirrors);
    }

    /**
     * Moves the agent's mirror on and binds {@code kept} to its new stamp. With nothing kept, the mirror goes; with no
     * agent (deleted meanwhile), the rows.
     */
    private void reseal(RealmModel realm, String userId, ClientModel agent, List<AgentConsentEntity> kept, ConsentMirror mirrors) {
        if (agent == null) {
            kept.forEach(em::remove); // the agent's mirrors went with it
        } else if (kept.isEmpty()) {
            mirrors.remove(userId, agent.getId()); // no app left for this agent: it leaves Keycloak's screens too
        } else {
            moveOn(userId, agent, kept, mirrors);
        }
    }

    /** Moves the mirror on and binds {@code kept} to the new stamp; when it does not move, both go (fail closed). */
    private Optional<Long> moveOn(String userId, ClientModel agent, List<AgentConsentEntity> kept, ConsentMirror mirrors) {
        Optional<Long> after = mirrors.advance(userId, agent);
        kept.forEach(row -> after.ifPresentOrElse(row::setMirrorStamp, () -> em.remove(row)));
        if (after.isEmpty()) {
            mirrors.remove(userId, agent.getId());
        }
        return after;
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
