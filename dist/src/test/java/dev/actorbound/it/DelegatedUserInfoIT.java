package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actorbound.keycloak.userinfo.UserInfoScopes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL §5: the userinfo endpoint serves a delegated access token only while its delegation is live. Its
 * signature, expiry and session outlive a revocation, so userinfo must ask the same liveness check introspection
 * asks, and refuse a dead delegation the way it refuses any invalid token (RFC 6750 §3.1). Nor may its answer be
 * wider than the token: userinfo always adds the client's default scopes back.
 */
@WithRealms
class DelegatedUserInfoIT {

    private static final String CONSENT_REVOKED = "the user's consent to this agent was revoked";
    private static final String AGENT_UNAVAILABLE = "the agent is no longer available (disabled, deleted, no longer an agent, or Full scope allowed switched on)";

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
    }

    private static String delegatedToken() {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(userInfo(response.accessToken()).status()).as("userinfo before the change").isEqualTo(200);
        return response.accessToken();
    }

    private static OAuth.UserInfo userInfo(String token) {
        return realm.oauth().userInfo(realm.name(), token);
    }

    /** The newest USER_INFO_REQUEST_ERROR event. */
    private static ObjectNode userInfoError() {
        return realm.admin().events(realm.name(), "USER_INFO_REQUEST_ERROR").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no USER_INFO_REQUEST_ERROR event"));
    }

    /** Refused as Keycloak's userinfo refuses an invalid token: 401, a Bearer challenge, no claims. */
    private static void assertInvalidToken(OAuth.UserInfo answer, String description) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.wwwAuthenticate()).as(answer.toString())
                .startsWith("Bearer ")
                .contains("error=\"invalid_token\"")
                .contains("error_description=\"" + description + "\"");
        assertThat(answer.body().has("sub")).as("no claims on refusal").isFalse();
        assertThat(answer.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    }

    /** The event the extension's refusal leaves: Keycloak reports it as a client-policy refusal with our reason. */
    private static void assertDelegationEvent(String reason) {
        ObjectNode event = userInfoError();
        assertThat(event.path("error").asText()).isEqualTo("invalid_token");
        assertThat(event.path("clientId").asText()).isEqualTo(TestClients.APP);
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(event.path("details").path("reason").asText()).isEqualTo("client_policy_error");
        assertThat(event.path("details").path("client_policy_error_detail").asText()).isEqualTo(reason);
        assertThat(event.toString()).doesNotContain("eyJ");
    }

    /**
     * An exchange narrowed to fewer scopes than the agent's defaults: userinfo would add the dropped default scope
     * (e-mail) back, so it refuses; the same exchange that keeps e-mail is answered, with it.
     */
    @Test
    void exchangeNarrowedBelowTheAgentsDefaultScopesIsNotWidenedByUserinfo(TestRealm own) throws Exception {
        Exchanges ex = Exchanges.setUp(own);
        String subject = ex.codeFlowToken(TestClients.PLANNER);

        Exchanges.Attempt full = ex.exchange(TestClients.BOOKING, subject, Map.of("scope", "openid profile email"));
        ex.assertIssued(full, subject, TestClients.BOOKING + "<" + TestClients.PLANNER);
        OAuth.UserInfo answered = own.oauth().userInfo(own.name(), full.accessToken());
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.body().path("email").asText()).isEqualTo("alice@example.org");

        Exchanges.Attempt narrowed = ex.exchange(TestClients.BOOKING, subject, Map.of("scope", "openid profile"));
        assertThat(Exchanges.scopes(ex.assertIssued(narrowed, subject, TestClients.BOOKING + "<" + TestClients.PLANNER)))
                .doesNotContain("email");
        OAuth.UserInfo refused = own.oauth().userInfo(own.name(), narrowed.accessToken());
        String description = UserInfoScopes.refusal(List.of("email"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.wwwAuthenticate()).as(refused.toString()).startsWith("Bearer ")
                .contains("error=\"insufficient_scope\"").contains("error_description=\"" + description + "\"");
        assertThat(refused.body().has("email")).isFalse();
        ObjectNode event = own.admin().events(own.name(), "USER_INFO_REQUEST_ERROR").get(0);
        assertThat(event.path("clientId").asText()).isEqualTo(TestClients.BOOKING);
        assertThat(event.path("error").asText()).isEqualTo("insufficient_scope");
        assertThat(event.path("details").path("client_policy_error_detail").asText()).isEqualTo(description);
        assertThat(event.toString()).doesNotContain("eyJ");
    }

    @Test
    void liveDelegatedTokenServesUserinfo() {
        String token = delegatedToken();

        OAuth.UserInfo answer = userInfo(token);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.body().path("sub").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(answer.body().path("preferred_username").asText()).isEqualTo(TestRealm.ALICE);
        ObjectNode event = realm.admin().events(realm.name(), "USER_INFO_REQUEST").get(0);
        assertThat(event.path("clientId").asText()).isEqualTo(TestClients.APP);
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
    }

    @Test
    void revokedConsentIsRefused() {
        String token = delegatedToken();
        realm.revokeStoredConsents(TestRealm.ALICE);

        assertInvalidToken(userInfo(token), CONSENT_REVOKED);
        assertDelegationEvent(CONSENT_REVOKED);
    }

    @Test
    void disabledAgentIsRefused() {
        String token = delegatedToken();
        realm.admin().updateClient(realm.name(), TestClients.PLANNER, c -> c.put("enabled", false));
        try {
            assertInvalidToken(userInfo(token), AGENT_UNAVAILABLE);
            assertDelegationEvent(AGENT_UNAVAILABLE);
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.PLANNER, c -> c.put("enabled", true));
        }
    }

    @Test
    void agentThatLostTheAgentRoleIsRefused() {
        String token = delegatedToken();
        String serviceAccount = realm.agentServiceAccountId(TestClients.PLANNER);
        realm.admin().removeRealmRolesFromUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        try {
            assertInvalidToken(userInfo(token), AGENT_UNAVAILABLE);
            assertDelegationEvent(AGENT_UNAVAILABLE);
        } finally {
            realm.admin().addRealmRolesToUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        }
    }

    @Test
    void disabledUserIsRefusedByKeycloakItself() {
        String token = delegatedToken();
        String alice = realm.userId(TestRealm.ALICE);
        realm.admin().setUserEnabled(realm.name(), alice, false);
        try {
            OAuth.UserInfo answer = userInfo(token);

            assertInvalidToken(answer, "User disabled");
            ObjectNode event = userInfoError();
            assertThat(event.path("error").asText()).isEqualTo("user_disabled");
            assertThat(event.path("userId").asText()).isEqualTo(alice);
        } finally {
            realm.admin().setUserEnabled(realm.name(), alice, true);
        }
    }

    @Test
    void plainTokenOfTheSameUserIsUnaffectedByTheRevocation() {
        String delegated = delegatedToken();
        OAuth.TokenResponse plain = flow.redeem(flow.plainCode(), null);
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
        realm.revokeStoredConsents(TestRealm.ALICE);

        assertThat(userInfo(plain.accessToken()).status()).as("the user's own token").isEqualTo(200);
        assertInvalidToken(userInfo(delegated), CONSENT_REVOKED);
    }
}
