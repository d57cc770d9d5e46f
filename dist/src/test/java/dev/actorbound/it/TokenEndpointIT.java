package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.AgentAttributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PROTOCOL §2.2: every refusal at the token endpoint, as the client sees it and as the event records it. */
@WithRealms
class TokenEndpointIT {

    private static TestRealm realm;
    private static TestRealm otherRealm;
    private static Delegations flow;

    @BeforeAll
    static void createRealms(TestRealm main, TestRealm other) {
        realm = main;
        otherRealm = other;
        flow = new Delegations(realm);
    }

    @Test
    void delegatedCodeWithoutActorTokenIsRefusedAndConsumed() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);

        flow.assertRefused(flow.redeem(code, null), "invalid_request",
                "actor_token is required: the authorization code was issued for an agent", "invalid_request", TestClients.PLANNER);

        // Consumed on first presentation: the right actor token cannot revive it.
        OAuth.TokenResponse retry = flow.redeem(code, flow.actorToken(TestClients.PLANNER));
        assertThat(retry.status()).isEqualTo(400);
        assertThat(retry.error()).isEqualTo("invalid_grant");
        assertThat(retry.body().has("access_token")).isFalse();
    }

    @Test
    void actorTokenOnPlainCodeIsRefusedNeverAPlainToken() {
        Delegations.Code code = flow.plainCode();

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.PLANNER)), "invalid_request",
                "actor_token was sent but the authorization code is not bound to an agent", "invalid_request", null);
    }

    @Test
    void plainCodeWithoutActorTokenStillWorksAsInStockKeycloak() throws Exception {
        OAuth.TokenResponse response = flow.redeem(flow.plainCode(), null);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(Jwt.verify(response.accessToken(), realm).getClaim("act")).isNull();
        assertThat(response.refreshToken()).isNotBlank();
    }

    @Test
    void actorTokenOfAnotherAgentIsActorSubstitution() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.BOOKING)), "invalid_grant",
                "actor_token does not belong to the agent the user consented to", ActorboundErrors.ACTOR_MISMATCH, TestClients.PLANNER);
    }

    @Test
    void serviceAccountThatIsNotTheAgentIsActorSubstitution() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.NOT_AN_AGENT)), "invalid_grant",
                "actor_token does not belong to the agent the user consented to", ActorboundErrors.ACTOR_MISMATCH, TestClients.PLANNER);
    }

    @Test
    void usersOwnTokenIsNotAnActorToken() {
        String userToken = flow.redeem(flow.plainCode(), null).accessToken();
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);

        flow.assertRefused(flow.redeem(code, userToken), "invalid_grant",
                "actor_token does not belong to the agent the user consented to", ActorboundErrors.ACTOR_MISMATCH, TestClients.PLANNER);
    }

    @Test
    void delegatedTokenIsNotAnActorToken() {
        OAuth.TokenResponse delegated = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);

        flow.assertRefused(flow.redeem(code, delegated.accessToken()), "invalid_grant",
                "actor_token must be the agent's own token, not a delegated token", ActorboundErrors.DELEGATED_ACTOR_TOKEN, TestClients.PLANNER);
    }

    @Test
    void unsignedActorTokenIsRefused() {
        String real = flow.actorToken(TestClients.PLANNER);
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
                .getBytes(StandardCharsets.UTF_8));
        String unsigned = header + "." + real.split("\\.")[1] + ".";

        flow.assertRefused(flow.redeem(flow.delegatedCode(TestClients.PLANNER), unsigned), "invalid_grant",
                "actor_token is not a valid, active access token of this realm", "invalid_token", TestClients.PLANNER);
    }

    @Test
    void tamperedActorTokenIsRefused() {
        String[] parts = flow.actorToken(TestClients.PLANNER).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"exp\":", "\"exp\":1" );
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        flow.assertRefused(flow.redeem(flow.delegatedCode(TestClients.PLANNER), tampered), "invalid_grant",
                "actor_token is not a valid, active access token of this realm", "invalid_token", TestClients.PLANNER);
    }

    @Test
    void hmacSignedActorTokenIsRefused() {
        // HS/RS confusion: an attacker signs with HS256 using the realm's public key material as the secret.
        String[] parts = flow.actorToken(TestClients.PLANNER).split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
                .getBytes(StandardCharsets.UTF_8));
        String forged = header + "." + parts[1] + "." + parts[2];

        flow.assertRefused(flow.redeem(flow.delegatedCode(TestClients.PLANNER), forged), "invalid_grant",
                "actor_token is not a valid, active access token of this realm", "invalid_token", TestClients.PLANNER);
    }

    @Test
    void actorTokenFromAnotherRealmIsRefused() {
        String foreign = otherRealm.oauth().clientCredentialsToken(otherRealm.name(), TestClients.PLANNER, TestClients.PLANNER_SECRET);

        flow.assertRefused(flow.redeem(flow.delegatedCode(TestClients.PLANNER), foreign), "invalid_grant",
                "actor_token is not a valid, active access token of this realm", "invalid_token", TestClients.PLANNER);
    }

    @Test
    void wrongCodeVerifierIsRefusedAndConsumesTheCode() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String actor = flow.actorToken(TestClients.PLANNER);

        OAuth.TokenResponse wrong = flow.redeem(code, actor, Map.of("code_verifier", OAuth.Pkce.s256().verifier()));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.error()).isEqualTo("invalid_grant");
        assertThat(wrong.errorDescription()).isEqualTo("PKCE verification failed: Code mismatch");
        assertThat(flow.event("CODE_TO_TOKEN_ERROR", "Code mismatch").path("error").asText()).isEqualTo("pkce_verification_failed");

        OAuth.TokenResponse retry = flow.redeem(code, actor);
        assertThat(retry.status()).isEqualTo(400);
        assertThat(retry.error()).isEqualTo("invalid_grant");
    }

    @Test
    void replayedCodeIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String actor = flow.actorToken(TestClients.PLANNER);
        assertThat(flow.redeem(code, actor).status()).isEqualTo(200);

        OAuth.TokenResponse replay = flow.redeem(code, actor);

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.error()).isEqualTo("invalid_grant");
        assertThat(replay.errorDescription()).isEqualTo("Code not valid");
        assertThat(replay.body().has("access_token")).isFalse();
    }

    @Test
    void codeRedeemedByAnotherClientIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);

        OAuth.TokenResponse response = realm.oauth().token(realm.name(), Map.of("grant_type", "authorization_code",
                "code", code.value(), "redirect_uri", TestRealm.REDIRECT_URI, "code_verifier", code.pkce().verifier(),
                "actor_token", flow.actorToken(TestClients.PLANNER)), TestClients.BACKEND, TestClients.BACKEND_SECRET);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("invalid_grant");
        assertThat(response.body().has("access_token")).isFalse();
    }

    @Test
    void malformedActorTokenTypeIsRefusedBeforeTheCodeIsConsumed() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String actor = flow.actorToken(TestClients.PLANNER);

        OAuth.TokenResponse bad = flow.redeem(code, actor,
                Map.of("actor_token_type", "urn:ietf:params:oauth:token-type:refresh_token"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("invalid_request");
        assertThat(bad.errorDescription()).startsWith("actor_token_type must be");
        assertThat(flow.event("CODE_TO_TOKEN_ERROR", "actor_token_type must be").path("error").asText())
                .isEqualTo("invalid_request");

        assertThat(flow.redeem(code, actor).status()).isEqualTo(200);
    }

    @Test
    void agentDisabledBetweenConsentAndRedemptionIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.BOOKING);
        String actor = flow.actorToken(TestClients.BOOKING);
        realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("enabled", false));
        try {
            // A disabled client's own tokens stop being valid, so the actor token check (first in order) refuses.
            flow.assertRefused(flow.redeem(code, actor), "invalid_grant",
                    "actor_token is not a valid, active access token of this realm", "invalid_token", TestClients.BOOKING);
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("enabled", true));
        }
    }

    @Test
    void agentNoLongerAnAgentBetweenConsentAndRedemptionIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.BOOKING);
        String actor = flow.actorToken(TestClients.BOOKING);
        String serviceAccount = realm.agentServiceAccountId(TestClients.BOOKING);
        realm.admin().removeRealmRolesFromUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        try {
            flow.assertRefused(flow.redeem(code, actor), "invalid_grant",
                    "the agent is no longer available (disabled, deleted, no longer an agent, or Full scope allowed switched on)", ActorboundErrors.AGENT_UNAVAILABLE,
                    TestClients.BOOKING);
        } finally {
            realm.admin().addRealmRolesToUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        }
    }

    @Test
    void appRemovedFromAgentsAllowedClientsBetweenConsentAndRedemptionIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.BOOKING);
        String actor = flow.actorToken(TestClients.BOOKING);
        setAllowedClients(TestClients.BACKEND);
        try {
            flow.assertRefused(flow.redeem(code, actor), "invalid_grant", "the agent no longer accepts this client",
                    "not_allowed", TestClients.BOOKING);
        } finally {
            setAllowedClients(TestClients.APP + "," + TestClients.BACKEND);
        }
    }

    @Test
    void userDisabledBetweenConsentAndRedemptionIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String actor = flow.actorToken(TestClients.PLANNER);
        String alice = realm.userId(TestRealm.ALICE);
        realm.admin().setUserEnabled(realm.name(), alice, false);
        try {
            OAuth.TokenResponse response = flow.redeem(code, actor);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.error()).isEqualTo("invalid_grant");
            assertThat(response.body().has("access_token")).isFalse();
        } finally {
            realm.admin().setUserEnabled(realm.name(), alice, true);
        }
    }

    @Test
    void twoConcurrentRedemptionsOfOneCodeYieldExactlyOneToken() throws Exception {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String actor = flow.actorToken(TestClients.PLANNER);
        CountDownLatch start = new CountDownLatch(1);
        Callable<Integer> redeem = () -> {
            start.await();
            return flow.redeem(code, actor).status();
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>(List.of(pool.submit(redeem), pool.submit(redeem)));
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            assertThat(statuses).containsExactlyInAnyOrder(200, 400);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void setAllowedClients(String value) {
        realm.admin().updateClient(realm.name(), TestClients.BOOKING,
                c -> c.with("attributes").put(AgentAttributes.ALLOWED_CLIENTS, value));
    }
}
