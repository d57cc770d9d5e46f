package dev.actorbound.keycloak.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PdpSettingsTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void noUrlMeansNoPdp(String url) {
        assertThat(PdpSettings.parse(url, "abc", "a", "secret", "-1")).isEmpty();
    }

    @Test
    void defaults() {
        PdpSettings settings = PdpSettings.parse("http://127.0.0.1:3592/", null, null, null, null).orElseThrow();
        assertThat(settings.url()).isEqualTo("http://127.0.0.1:3592");
        assertThat(settings.timeoutMillis()).isEqualTo(PdpSettings.DEFAULT_TIMEOUT_MS);
        assertThat(settings.userAttributes()).isEmpty();
        assertThat(settings.credential()).isNull();
        assertThat(settings.cacheTtlSeconds()).isZero();
        assertThat(settings.problem()).isNull();
    }

    @Test
    void allSettings() {
        PdpSettings settings = PdpSettings.parse(" https://pdp.example.org/authz ", " 250 ", "department, cost-center department",
                "${vault.pdp-token}", "30").orElseThrow();
        assertThat(settings.url()).isEqualTo("https://pdp.example.org/authz");
        assertThat(settings.timeoutMillis()).isEqualTo(250);
        assertThat(settings.userAttributes()).containsExactly("department", "cost-center");
        assertThat(settings.credential()).isEqualTo("${vault.pdp-token}");
        assertThat(settings.cacheTtlSeconds()).isEqualTo(30);
        assertThat(settings.problem()).isNull();
    }

    /** Unusable settings are not ignored: they are kept as a problem, and every delegation fails closed. */
    @ParameterizedTest
    @CsvSource(value = {
            "ftp://pdp,,,,actorbound.pdp.url",
            "pdp.example.org,,,,actorbound.pdp.url",
            "https://pdp?x=1,,,,actorbound.pdp.url",
            "https://pdp,9,,,actorbound.pdp.timeout-ms",
            "https://pdp,10001,,,actorbound.pdp.timeout-ms",
            "https://pdp,fast,,,actorbound.pdp.timeout-ms",
            "https://pdp,,s3cr3t,,actorbound.pdp.credential",
            "https://pdp,,,3601,actorbound.pdp.cache-ttl-seconds",
            "https://pdp,,,-1,actorbound.pdp.cache-ttl-seconds"})
    void unusableSettingsAreAProblem(String url, String timeout, String credential, String ttl, String key) {
        PdpSettings settings = PdpSettings.parse(url, timeout, null, credential, ttl).orElseThrow();
        assertThat(settings.problem()).startsWith(key);
    }

    @ParameterizedTest
    @CsvSource({"${vault.pdp},true", "${vault.a.b},true", " ${vault.x} ,true", "${vault.},false", "vault.pdp,false", "secret,false"})
    void onlyVaultReferencesAreCredentials(String value, boolean reference) {
        assertThat(PdpSettings.isVaultReference(value)).isEqualTo(reference);
    }

    @Test
    void listsAcceptCommasAndWhitespace() {
        assertThat(PdpSettings.list("a,b c\nd,,a")).isEqualTo(List.of("a", "b", "c", "d"));
    }
}
