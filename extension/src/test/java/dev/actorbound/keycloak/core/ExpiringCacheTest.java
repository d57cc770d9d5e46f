package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ExpiringCacheTest {

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void entriesExpire() {
        ExpiringCache<String> cache = new ExpiringCache<>(10, now::get);
        cache.put("k", "v", 500);
        assertThat(cache.get("k")).hasValue("v");
        now.addAndGet(499);
        assertThat(cache.get("k")).hasValue("v");
        now.addAndGet(1);
        assertThat(cache.get("k")).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void nothingIsKeptWithoutATtlOrRoom() {
        ExpiringCache<String> cache = new ExpiringCache<>(10, now::get);
        cache.put("k", "v", 0);
        assertThat(cache.get("k")).isEmpty();
        ExpiringCache<String> none = new ExpiringCache<>(0, now::get);
        none.put("k", "v", 500);
        assertThat(none.get("k")).isEmpty();
    }

    @Test
    void fullCacheDropsExpiredEntriesFirstThenEverything() {
        ExpiringCache<String> cache = new ExpiringCache<>(2, now::get);
        cache.put("old", "1", 10);
        cache.put("young", "2", 1_000);
        now.addAndGet(10);
        cache.put("new", "3", 1_000);
        assertThat(cache.get("young")).hasValue("2");
        assertThat(cache.get("new")).hasValue("3");

        cache.put("newest", "4", 1_000);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.get("newest")).hasValue("4");
    }
}
