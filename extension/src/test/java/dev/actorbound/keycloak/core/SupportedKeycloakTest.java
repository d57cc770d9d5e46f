package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.common.Version;

class SupportedKeycloakTest {

    @ParameterizedTest
    @ValueSource(strings = {"26.7.0", "26.7.3", "26.7.12", "26.7.4-SNAPSHOT", "26.7.3.redhat-00001"})
    void patchReleasesOfASupportedLineAreSupported(String version) {
        assertThat(SupportedKeycloak.supports(version)).isTrue();
    }

    /** 26.4.7 and 26.5.6 were run and fail (README, Compatibility); the others were never run. */
    @ParameterizedTest
    @ValueSource(strings = {"26.4.7", "26.5.6", "26.6.0", "26.8.0", "27.0.0", "25.0.6", "26.70.1", "26.7", "26.7.",
            "26.7.x", "999.0.0-SNAPSHOT", ""})
    void otherVersionsAreNot(String version) {
        assertThat(SupportedKeycloak.supports(version)).isFalse();
    }

    @Test
    void unknownVersionIsNotSupported() {
        assertThat(SupportedKeycloak.supports(null)).isFalse();
    }

    /** The tests compile and run against the Keycloak the project builds on, which must be supported. */
    @Test
    void theKeycloakWeBuildAgainstIsSupported() {
        assertThat(Version.VERSION).isEqualTo("26.7.3");
        assertThat(SupportedKeycloak.running()).isTrue();
    }

    @Test
    void theMessageNamesTheRunningAndTheSupportedVersions() {
        String message = SupportedKeycloak.unsupportedMessage("26.5.6");

        assertThat(message).contains("Keycloak 26.5.6 is not a supported version", "supported: 26.7.x", "INACTIVE")
                .doesNotContain("\n");
    }

    /** Replacing factories keep their order here; elsewhere they rank below Keycloak's own (order 0). */
    @Test
    void replacingFactoriesOutrankKeycloaksOnlyWhereSupported() {
        assertThat(SupportedKeycloak.order(10)).isEqualTo(10);
        assertThat(SupportedKeycloak.STOCK_WINS).isNegative();
    }
}
