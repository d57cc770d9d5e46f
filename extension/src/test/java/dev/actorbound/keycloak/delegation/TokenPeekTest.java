package dev.actorbound.keycloak.delegation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"act\"", "{\"act\":{\"sub\":}}", "{\"iss\":\"x\"", "{\"act\" 1}"})
    void aPayloadThatIsNoJsonObjectIsNoToken(String payload) {
        assertThat(TokenPeek.of(jwt(payload))).isEmpty();
    }

    @Test
    void anActNestedInAnotherClaimIsNotTheTokensAct() {
        TokenPeek peek = TokenPeek.of(jwt("{\"iss\":\"i\",\"other\":{\"act\":{\"client_id\":\"x\"}}}")).orElseThrow();
        assertThat(peek.carriesAct()).isFalse();
        assertThat(peek.claimedActor()).isNull();
    }

    @Test
    void anEscapedNameIsReadAsTheNameItSpells() {
        assertThat(TokenPeek.of(jwt("{\"\\u0061ct\":{}}")).orElseThrow().carriesAct()).isTrue();
    }

    /**
     * The look at the top level alone decides what a whole read of the payload decides: whether there is {@code act},
     * and which {@code iss} (the last one, when a payload repeats it; none unless it is a string).
     */
    @Property(tries = 2000)
    void theTopLevelLookAgreesWithAWholeRead(@ForAll("payloads") String payload) throws Exception {
        Map<?, ?> whole = new ObjectMapper().readValue(payload, Map.class);
        TokenPeek peek = TokenPeek.of(jwt(payload)).orElseThrow();
        assertThat(peek.carriesAct()).isEqualTo(whole.containsKey("act"));
        assertThat(peek.issuer()).isEqualTo(whole.get("iss") instanceof String iss ? iss : null);
    }

    @Provide
    Arbitrary<String> payloads() {
        return object(3);
    }

    private static Arbitrary<String> object(int depth) {
        Arbitrary<String> name = Arbitraries.of("iss", "act", "sub", "azp", "x", "iss ", "Act");
        Arbitrary<String> member = Combinators.combine(name, value(depth))
                .as((n, v) -> "\"" + n + "\":" + v);
        return member.list().ofMaxSize(5).map(members -> "{" + String.join(",", members) + "}");
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMaxLength(8).map(text -> "\"" + text + "\""),
                Arbitraries.integers().map(String::valueOf), Arbitraries.of("true", "false", "null", "1.5e3"));
        if (depth == 0) {
            return scalar;
        }
        return Arbitraries.oneOf(scalar, object(depth - 1),
                value(depth - 1).list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]"));
    }
}
