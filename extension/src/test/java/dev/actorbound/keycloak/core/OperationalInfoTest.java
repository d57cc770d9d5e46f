package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OperationalInfoTest {

    /** The build filled the version in: no placeholder, no fallback. */
    @Test
    void versionComesFromTheBuild() {
        assertThat(OperationalInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*").doesNotContain("${");
    }

    @Test
    void versionComesFirstThenTheOptionsInOrder() {
        Map<String, String> info = OperationalInfo.of(Map.of("max-chain-depth", "3"));
        assertThat(info).containsExactly(Map.entry("version", OperationalInfo.version()), Map.entry("max-chain-depth", "3"));
    }
}
