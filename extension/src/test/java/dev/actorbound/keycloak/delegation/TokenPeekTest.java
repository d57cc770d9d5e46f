package dev.actorbound.keycloak.delegation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenPeekTest {

    private static String jwt(String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    @Test
    void readsWhatADelegatedTokenClaims() {
        TokenPeek peek = TokenPeek.of(jwt("{\"iss\":\"http://kc/realms/demo\",\"sub\":\"u1\",\"azp\":\"app\","
                + "\"act\":{\"sub\":\"s2\",\"client_id\":\"booking\",\"act\":{\"sub\":\"s1\",\"client_id\":\"planner\"}}}")).orElseThrow();

        assertThat(peek.carriesAct()).isTrue();
        assertThat(peek.issuedBy("http://kc/realms/demo")).isTrue();
        assertThat(peek.issuedBy("http://kc/realms/other")).isFalse();
        assertThat(peek.claimedActor()).isEqualTo("booking");
        assertThat(peek.claimedChain().serialize()).isEqualTo("booking<planner");
        assertThat(peek.claimedClient()).isEqualTo("app");
        assertThat(peek.claimedSubject()).isEqualTo("u1");
    }

    @Test
    void aPlainTokenCarriesNoAct() {
        assertThat(TokenPeek.of(jwt("{\"iss\":\"http://kc/realms/demo\"}")).orElseThrow().carriesAct()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-a-token", "a.%%%.c", "e30"})
    void garbageIsNoToken(String token) {
        assertThat(TokenPeek.of(token)).isEmpty();
    }

    @Test
    void anOversizedTokenIsNotRead() {
        assertThat(TokenPeek.of(jwt("{\"act\":{},\"pad\":\"" + "x".repeat(70_000) + "\"}"))).isEmpty();
    }
}
