package dev.actorbound.keycloak.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsrfProtectionTest {

    private static final URI BASE = URI.create("https://id.example.org/");

    @ParameterizedTest(name = "Origin={0}, Sec-Fetch-Site={1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "https://id.example.org,     same-origin, true",
            "https://id.example.org,     -,           true",
            "HTTPS://ID.EXAMPLE.ORG,     -,           true",
            "https://id.example.org:443, -,           false",
            "null,                       same-origin, true",
            "-,                          same-origin, true",
            "https://evil.example,       same-origin, false",
            "https://id.example.org,     cross-site,  false",
            "null,                       cross-site,  false",
            "null,                       same-site,   false",
            "-,                          none,        false",
            "null,                       -,           false",
            "-,                          -,           false",
            "http://id.example.org,      -,           false",
    })
    void onlyRequestsThatProveTheyComeFromThisOriginPass(String origin, String fetchSite, boolean allowed) {
        assertThat(CsrfProtection.sameOrigin(origin, fetchSite, BASE)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({
            "https://id.example.org/,        https://id.example.org",
            "https://id.example.org:443/a/,  https://id.example.org",
            "http://localhost:8080/,         http://localhost:8080",
            "http://LOCALHOST:80/,           http://localhost",
            "https://id.example.org:8443/,   https://id.example.org:8443",
    })
    void originsAreSerializedAsBrowsersSendThem(String uri, String origin) {
        assertThat(CsrfProtection.originOf(URI.create(uri))).isEqualTo(origin);
    }
}
