package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.policy.PdpSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PROTOCOL §9, fail closed: a PDP that is down, slower than the realm's timeout, answering garbage, or that cannot be
 * asked at all (a credential missing from the vault, unusable settings) means no code and no token, at each of the
 * four decision points, with an event whose error is {@code policy_unavailable}.
 */
@WithRealms
class PolicyFailClosedIT {

    private static CerbosPdp cerbos;
    private static PolicyRealm policy;
    private static Delegations flow;
    private static Exchanges exchanges;

    @BeforeAll
    static void setUp(TestRealm realm) {
        cerbos = CerbosPdp.start();
        policy = new PolicyRealm(realm);
        flow = policy.flow;
        exchanges = policy.exchanges;
        policy.usePdp(cerbos.url());
    }

    @AfterEach
    void backToCerbos() {
        if (policy != null) {
            policy.usePdp(cerbos.url());
        }
    }

    @AfterAll
    static void tearDown() {
        if (cerbos != null) {
            cerbos.close();
        }
    }

    /** What each decision point needs, obtained while the PDP still answers. */
    private record Prepared(Delegations.Code code, String accessToken, String refreshToken) {
    }

    private static Prepared prepare() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        OAuth.TokenResponse redeemed = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        assertThat(redeemed.refreshToken()).isNotBlank();
        return new Prepared(code, redeemed.accessToken(), redeemed.refreshToken());
    }

    /** Asks at all four points: authorization endpoint, code redemption, exchange hop, refresh; each must fail closed. */
    private static void assertEveryPointFailsClosed(Prepared prepared, String cause) {
        HttpLogin.Outcome authorization = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER), "accept");
        assertThat(policy.assertAuthorizationUnavailable(authorization)
                .path("details").path(AuditDetails.POLICY_ERROR).asText()).contains(cause);

        ObjectNode redemption = policy.assertUnavailable(flow.redeem(prepared.code(), flow.actorToken(TestClients.PLANNER)),
                "CODE_TO_TOKEN_ERROR");
        assertThat(redemption.path("details").path(AuditDetails.POLICY_ERROR).asText()).contains(cause);
        assertThat(redemption.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);

        Exchanges.Attempt exchange = exchanges.exchange(TestClients.BOOKING, prepared.accessToken());
        assertThat(policy.assertUnavailable(exchange.response(), Exchanges.TOKEN_EXCHANGE_ERROR)
                .path("details").path(AuditDetails.POLICY_ERROR).asText()).contains(cause);
        assertThat(exchanges.events(Exchanges.TOKEN_EXCHANGE)).hasSize(exchange.successesBefore());

        OAuth.TokenResponse refresh = flow.refresh(prepared.refreshToken(), flow.actorToken(TestClients.PLANNER));
        assertThat(policy.assertUnavailable(refresh, "REFRESH_TOKEN_ERROR")
                .path("details").path(AuditDetails.POLICY_ERROR).asText()).contains(cause);
    }

    @Test
    void stoppedPdpFailsClosedAtEveryDecisionPoint() {
        try (CerbosPdp down = CerbosPdp.start()) {
            policy.usePdp(down.url());
            Prepared prepared = prepare();

            down.stop();

            assertEveryPointFailsClosed(prepared, "could not be reached");
        }
    }

    /** A PDP that takes longer than the realm's timeout counts as unavailable; no timing is asserted beyond that. */
    @Test
    void pdpSlowerThanTheTimeoutFailsClosed() {
        Prepared prepared = prepare();
        try (LoopbackPdp slow = LoopbackPdp.proxy(cerbos.url(), Duration.ofSeconds(5))) {
            policy.usePdp(slow.url(), Map.of(PdpSettings.TIMEOUT_MS, "200"));

            assertEveryPointFailsClosed(prepared, "did not answer within 200 ms");
        }
    }

    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "200|<html>this is not a decision</html>|not an AuthZEN evaluations answer",
            "200|{\"evaluations\": [{\"decision\": true}]}|not an AuthZEN evaluations answer",
            "200|{\"evaluations\": [{\"decision\": \"yes\"}, {\"decision\": true}]}|not an AuthZEN evaluations answer",
            "500|{\"error\": \"internal\"}|answered HTTP 500",
            "302||answered HTTP 302"})
    void garbageAnswerFailsClosed(int status, String body, String cause) {
        String subject = exchanges.codeFlowToken(TestClients.PLANNER);
        try (LoopbackPdp garbage = LoopbackPdp.answering(status, body == null ? "" : body)) {
            policy.usePdp(garbage.url());

            Exchanges.Attempt attempt = exchanges.exchange(TestClients.BOOKING, subject);

            assertThat(policy.assertUnavailable(attempt.response(), Exchanges.TOKEN_EXCHANGE_ERROR)
                    .path("details").path(AuditDetails.POLICY_ERROR).asText()).contains(cause);
            assertThat(garbage.evaluations()).as("the PDP was asked").isNotEmpty();
        }
    }

    @Test
    void credentialMissingFromTheVaultFailsClosedWithoutAsking() {
        String subject = exchanges.codeFlowToken(TestClients.PLANNER);
        try (LoopbackPdp pdp = LoopbackPdp.proxy(cerbos.url(), Duration.ZERO)) {
            policy.usePdp(pdp.url(), Map.of(PdpSettings.CREDENTIAL, "${vault.not-in-the-vault}"));

            Exchanges.Attempt attempt = exchanges.exchange(TestClients.BOOKING, subject);

            assertThat(policy.assertUnavailable(attempt.response(), Exchanges.TOKEN_EXCHANGE_ERROR)
                    .path("details").path(AuditDetails.POLICY_ERROR).asText()).contains("is not in the server's vault");
            assertThat(pdp.evaluations()).as("nothing is sent without the credential").isEmpty();
        }
    }

    /** Settings the server cannot use never mean "no policy": every delegation fails closed until they are fixed. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "actorbound.pdp.timeout-ms|fast",
            "actorbound.pdp.credential|a-literal-secret",
            "actorbound.pdp.cache-ttl-seconds|-5"})
    void unusableSettingsFailClosed(String key, String value) {
        String subject = exchanges.codeFlowToken(TestClients.PLANNER);
        policy.usePdp(cerbos.url(), Map.of(key, value));

        Exchanges.Attempt attempt = exchanges.exchange(TestClients.BOOKING, subject);

        assertThat(policy.assertUnavailable(attempt.response(), Exchanges.TOKEN_EXCHANGE_ERROR)
                .path("details").path(AuditDetails.POLICY_ERROR).asText()).contains(key);
    }
}
