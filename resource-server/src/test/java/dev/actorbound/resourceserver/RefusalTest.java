package dev.actorbound.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** RFC 6750 §3 challenges with the RFC 9728 resource_metadata parameter, and the JSON body beside them. */
class RefusalTest {

    private static final String META = "https://api.example.org/.well-known/oauth-protected-resource";

    @Test
    void withoutATokenTheChallengeCarriesNoError() {
        assertThat(Refusal.noToken().wwwAuthenticate()).isEqualTo("Bearer");
        assertThat(Refusal.noToken().withResourceMetadata(META).wwwAuthenticate())
                .isEqualTo("Bearer resource_metadata=\"" + META + "\"");
        assertThat(Refusal.noToken().toJson()).isEqualTo("{\"error_description\":\"a bearer token is required\"}");
    }

    @Test
    void anInvalidTokenChallengeNamesTheErrorTheDescriptionAndTheMetadata() {
        Refusal refusal = Refusal.invalidToken("the token has expired").withResourceMetadata(META);
        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.wwwAuthenticate()).isEqualTo(
                "Bearer error=\"invalid_token\", error_description=\"the token has expired\", resource_metadata=\"" + META + "\"");
        assertThat(refusal.toJson()).isEqualTo("{\"error\":\"invalid_token\",\"error_description\":\"the token has expired\"}");
        assertThat(refusal.getMessage()).isEqualTo("invalid_token: the token has expired");
    }

    @Test
    void insufficientScopeIs403WithTheScopesInOrder() {
        Refusal refusal = Refusal.insufficientScope("the token lacks the scope b", Set.of("b"));
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.wwwAuthenticate())
                .isEqualTo("Bearer error=\"insufficient_scope\", error_description=\"the token lacks the scope b\", scope=\"b\"");
    }

    @Test
    void valuesCannotBreakOutOfTheQuotedString() {
        Refusal refusal = Refusal.invalidRequest("a \"quoted\" \\ value\r\nX-Injected: yes \u00e9");
        assertThat(refusal.wwwAuthenticate()).isEqualTo(
                "Bearer error=\"invalid_request\", error_description=\"a ?quoted? ? value??X-Injected: yes ?\"");
        assertThat(refusal.description()).isEqualTo("a ?quoted? ? value??X-Injected: yes ?");
        assertThat(refusal.toJson()).contains("a ?quoted? ? value??X-Injected: yes ?");
    }

    @Test
    void anUnavailableServerGetsNoChallenge() {
        Refusal refusal = Refusal.unavailable("the authorization server's signing keys are not available").withResourceMetadata(META);
        assertThat(refusal.status()).isEqualTo(503);
        assertThat(refusal.wwwAuthenticate()).isNull();
        assertThat(refusal.toJson()).isEqualTo("{\"error\":\"temporarily_unavailable\","
                + "\"error_description\":\"the authorization server's signing keys are not available\"}");
    }
}
