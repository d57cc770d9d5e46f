package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.core.ExpiringCache;

import java.util.Map;
import java.util.Optional;

/**
 * Per server: a user's counting consents to one agent, each set remembered with the mirror stamp it counted under.
 * Every delegated request asks whether a consent counts; without this it is a database query the plain twin of the
 * request never makes.
 *
 * <p>An entry is only ever used for the stamp it was read under, and the stamp comes from Keycloak's user cache, which
 * Keycloak invalidates on every cluster node when a consent changes. So nothing here needs invalidating, provided every
 * change to the set of rows a stamp vouches for moves the stamp on (grant, revoke, restore, rebind, a deleted app): see
 * {@link JpaConsentStore}. A revocation on another node is then seen as soon as Keycloak's own stock consent revocation
 * is, and a set read under a stamp that has moved on is never used again.
 */
final class CountingConsents {

    /** Enough for the users active within {@link #TTL_MILLIS}; beyond it, reads go to the database again. */
    private static final int MAX_ENTRIES = 10_000;
    /** Entries of stamps that moved on are never read again: the time to live bounds how long they take memory. */
    private static final long TTL_MILLIS = 10 * 60 * 1000L;

    /** The counting consents of a (user, agent), by app UUID, as of {@code stamp}. */
    record Bound(long stamp, Map<String, AgentConsent> byApp) {
        Bound {
            byApp = Map.copyOf(byApp);
        }
    }

    private final ExpiringCache<Bound> entries;

    private CountingConsents(int maxEntries) {
        this.entries = new ExpiringCache<>(maxEntries, System::currentTimeMillis);
    }

    static CountingConsents perServer() {
        return new CountingConsents(MAX_ENTRIES);
    }

    /** Remembers nothing: for a store that runs once (a migration). */
    static CountingConsents none() {
        return new CountingConsents(0);
    }

    Optional<Bound> get(String realmId, String userId, String agentUuid, long stamp) {
        return entries.get(key(realmId, userId, agentUuid)).filter(bound -> bound.stamp() == stamp);
    }

    void put(String realmId, String userId, String agentUuid, Bound bound) {
        entries.put(key(realmId, userId, agentUuid), bound, TTL_MILLIS);
    }

    /** Length-prefixed: a federated user's id may hold any character, and no two triples may share a key. */
    private static String key(String realmId, String userId, String agentUuid) {
        return realmId.length() + ":" + realmId + userId.length() + ":" + userId + agentUuid;
    }
}
