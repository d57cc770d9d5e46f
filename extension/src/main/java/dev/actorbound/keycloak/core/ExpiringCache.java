package dev.actorbound.keycloak.core;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A small per-server map whose entries expire. Bounded: when full, expired entries go first, and if that is not
 * enough the whole map is emptied. Only for what can be lost at any time (a PDP's answers, a database read): losing
 * entries costs a new question; an unbounded map could be grown without limit by requests that differ in one detail.
 */
public final class ExpiringCache<V> {

    private record Entry<V>(V value, long expiresAt) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongSupplier clock;

    /** {@code clock} in milliseconds, e.g. {@code System::currentTimeMillis}. */
    public ExpiringCache(int maxEntries, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public Optional<V> get(String key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiresAt() <= clock.getAsLong()) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    public void put(String key, V value, long ttlMillis) {
        if (ttlMillis <= 0 || maxEntries <= 0) {
            return;
        }
        long now = clock.getAsLong();
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> entry.expiresAt() <= now);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, now + ttlMillis));
    }

    public int size() {
        return entries.size();
    }
}
