package dev.actorbound.keycloak.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthZenClientTest {

    /** A discovered endpoint on another origin would receive the credential: refused. */
    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:3592,http://127.0.0.1:3592/access/v1/evaluations,true",
            "https://pdp.example.org,https://PDP.example.org:443/v1/evaluations,true",
            "http://pdp.example.org/authz,http://pdp.example.org:80/other,true",
            "http://127.0.0.1:3592,http://127.0.0.1:3593/access/v1/evaluations,false",
            "https://pdp.example.org,http://pdp.example.org/access/v1/evaluations,false",
            "https://pdp.example.org,https://evil.example.org/access/v1/evaluations,false",
            "https://pdp.example.org,/access/v1/evaluations,false",
            "https://pdp.example.org,'http://[bad',false"})
    void sameOriginOnly(String base, String endpoint, boolean same) {
        assertThat(AuthZenClient.sameOrigin(base, endpoint)).isEqualTo(same);
    }
}
