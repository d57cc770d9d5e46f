package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PROTOCOL §2.1: what the authorization endpoint accepts, refuses, and remembers. */
@WithRealms
class AuthorizationEndpointIT {

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
    }

    private static HttpLogin.Outcome request(Map<String, String> extra) {
        return flow.authorize(extra);
    }

    /** A refusal redirected to the app, with state, and a LOGIN_ERROR event that says why. */
    private static ObjectNode assertRedirectedError(HttpLogin.Outcome outcome, String error, String description) {
        return flow.assertAuthorizationRefused(outcome, error, description);
    }

    @Test
    void emptyRequestedActorIsRefused() {
        assertRedirectedError(request(Map.of("requested_actor", "")), "invalid_request", "requested_actor must not be empty");
    }

    @Test
    void overlongRequestedActorIsRefused() {
        assertRedirectedError(request(Map.of("requested_actor", "a".repeat(256))), "invalid_request",
                "requested_actor must not be longer than 255 characters");
    }

    @Test
    void repeatedRequestedActorIsRefused() {
        String url = flow.authorizeUrl(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER))
                + "&requested_actor=" + TestClients.BOOKING;
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        // Keycloak refuses any repeated parameter itself, before extensions run.
        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "invalid_request")
                .containsEntry("error_description", "duplicated parameter").doesNotContainKey("code");
    }

    @Test
    void requestedActorDroppedByParameterLimitsNeverBecomesAPlainLogin() {
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            extra.put(String.format("p%02d", i), "v");
        }
        extra.put("requested_actor", TestClients.PLANNER);
        assertRedirectedError(request(extra), "invalid_request",
                "requested_actor was dropped by the server's request parameter limits; send fewer or shorter extra parameters");
    }

    @Test
    void missingCodeChallengeIsRefused() {
        String url = realm.oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid",
                Delegations.STATE, Map.of("requested_actor", TestClients.PLANNER));
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        ObjectNode event = assertRedirectedError(outcome, "invalid_request", "requested_actor requires PKCE with code_challenge_method=S256");
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
    }

    @Test
    void plainPkceIsRefused() {
        assertRedirectedError(request(Map.of("requested_actor", TestClients.PLANNER, "code_challenge", "a".repeat(43),
                "code_challenge_method", "plain")), "invalid_request", "requested_actor requires PKCE with code_challenge_method=S256");
    }

    @Test
    void malformedCodeChallengeIsRefusedByKeycloak() {
        HttpLogin.Outcome outcome = request(Map.of("requested_actor", TestClients.PLANNER, "code_challenge", "short"));
        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "invalid_request")
                .containsEntry("error_description", "Invalid parameter: code_challenge").doesNotContainKey("code");
    }

    @Test
    void unknownAgentIsRefused() {
        assertRedirectedError(request(Map.of("requested_actor", "no-such-agent")), "invalid_request", "unknown agent");
    }

    /** PostgreSQL cannot compare text holding NUL; Keycloak blocks it in any query parameter before extensions run. */
    @Test
    void requestedActorWithANulCharacterIsBlockedByKeycloak() {
        HttpLogin.Outcome outcome = request(Map.of("requested_actor", TestClients.PLANNER + "\u0000"));
        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(400);
        assertThat(outcome.page()).contains("Blocking invalid query parameter value");
        assertThat(outcome.callback()).doesNotContainKey("code");
    }

    @Test
    void serviceAccountClientWithoutAgentRoleIsNotAnAgent() {
        assertRedirectedError(request(Map.of("requested_actor", TestClients.NOT_AN_AGENT)), "invalid_request", "unknown agent");
    }

    @Test
    void publicClientIsNotAnAgent() {
        assertRedirectedError(request(Map.of("requested_actor", TestClients.APP)), "invalid_request", "unknown agent");
    }

    @Test
    void disabledAgentIsRefused() {
        realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("enabled", false));
        try {
            assertRedirectedError(request(Map.of("requested_actor", TestClients.BOOKING)), "invalid_request", "unknown agent");
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("enabled", true));
        }
    }

    @Test
    void appNotOnTheAgentsAllowedListIsUnauthorized() {
        realm.admin().updateClient(realm.name(), TestClients.BOOKING,
                c -> c.with("attributes").put(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND));
        try {
            ObjectNode event = assertRedirectedError(request(Map.of("requested_actor", TestClients.BOOKING)),
                    "unauthorized_client", "the requested agent does not accept requests from this client");
            assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.BOOKING);
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.BOOKING,
                    c -> c.with("attributes").put(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP + "," + TestClients.BACKEND));
        }
    }

    @Test
    void userDenyingTheAgentGivesAccessDenied() {
        HttpLogin.Outcome outcome = flow.authorize(OAuth.Pkce.s256(),
                Map.of("requested_actor", TestClients.PLANNER, "prompt", "consent"), "cancel");

        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "access_denied")
                .containsEntry("state", Delegations.STATE).doesNotContainKey("code");
        ObjectNode event = flow.event("GRANT_CONSENT_ERROR", "the user denied the agent");
        assertThat(event.path("error").asText()).isEqualTo("consent_denied");
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
    }

    @Test
    void agentCanBeNamedByItsServiceAccountId() {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome outcome = flow.authorize(pkce,
                Map.of("requested_actor", realm.agentServiceAccountId(TestClients.PLANNER), "prompt", "consent"), "accept");

        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(outcome.code(), pkce), flow.actorToken(TestClients.PLANNER));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    @Test
    void storedConsentSkipsThePageAndWiderScopeAsksAgain() {
        flow.delegatedCode(TestClients.PLANNER);

        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome again = flow.authorize(pkce, Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(again.isConsentPage()).isFalse();
        assertThat(again.code()).as(again.toString()).isNotBlank();
        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(again.code(), pkce), null);
        assertThat(response.error()).as("a remembered consent still binds the code to the agent").isEqualTo("invalid_request");

        // phone is one of the app's optional client scopes; email is a default one, which the first page listed already.
        String wider = realm.oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid phone",
                Delegations.STATE, OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER));
        HttpLogin.Outcome widerOutcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(wider, TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null);
        assertThat(widerOutcome.isConsentPage()).as(widerOutcome.toString()).isTrue();
        assertThat(widerOutcome.page()).contains("Trip Planner");
        assertThat(widerOutcome.listedScopes()).containsKey("phone");
    }

    @Test
    void promptNoneWithoutConsentAnswersConsentRequired() {
        HttpLogin session = new HttpLogin(TestRealm.REDIRECT_URI);
        assertThat(session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(), Map.of()), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null)
                .code()).isNotBlank();

        HttpLogin.Outcome outcome = session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(),
                Map.of("requested_actor", TestClients.BOOKING, "prompt", "none")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "consent_required")
                .containsEntry("error_description", "the user has not consented to this agent for this client (prompt=none cannot ask)")
                .containsEntry("state", Delegations.STATE).doesNotContainKey("code");
        ObjectNode event = flow.event("LOGIN_ERROR", "prompt=none cannot ask");
        assertThat(event.path("error").asText()).isEqualTo("consent_denied");
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.BOOKING);
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
    }

    @Test
    void promptNoneWithoutASessionIsLoginRequiredAsInStockKeycloak() {
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(flow.authorizeUrl(OAuth.Pkce.s256(),
                Map.of("requested_actor", TestClients.BOOKING, "prompt", "none")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "login_required").doesNotContainKey("code");
    }

    @Test
    void loginWithAnAgentNamesTheAgentInTheLoginEvent() {
        HttpLogin.Outcome consented = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER), "accept");
        assertThat(consented.code()).as(consented.toString()).isNotBlank();
        HttpLogin.Outcome remembered = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(remembered.isConsentPage()).isFalse();

        java.util.List<ObjectNode> logins = realm.admin().events(realm.name(), "LOGIN");
        assertThat(logins.subList(0, 2)).as("the two newest LOGIN events").allSatisfy(login -> {
            assertThat(login.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
            assertThat(login.path("details").path("actor_sub").asText()).isEqualTo(realm.agentServiceAccountId(TestClients.PLANNER));
        });
    }

    @Test
    void loginWithoutRequestedActorIsUnchanged() {
        HttpLogin.Outcome outcome = flow.authorize(OAuth.Pkce.s256(), Map.of(), null);
        assertThat(outcome.isConsentPage()).isFalse();
        assertThat(outcome.code()).isNotBlank();
        assertThat(realm.admin().events(realm.name(), "LOGIN").get(0).path("details").has("actor")).isFalse();
    }

    @Test
    void disabledConsentStepFailsClosed(KeycloakServer server) {
        try (TestRealm other = TestRealm.create(server)) {
            String path = "/realms/" + other.name() + "/authentication/required-actions/actorbound-agent-consent";
            ObjectNode action = (ObjectNode) other.admin().get(path).body();
            action.put("enabled", false);
            assertThat(other.admin().put(path, action).ok()).isTrue();
            Delegations otherFlow = new Delegations(other);

            HttpLogin.Outcome outcome = otherFlow.authorize(Map.of("requested_actor", TestClients.PLANNER));

            String description = "agent delegation is not enabled in this realm (the agent consent required action is disabled)";
            assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "invalid_request")
                    .containsEntry("error_description", description).doesNotContainKey("code");
            assertThat(otherFlow.event("LOGIN_ERROR", description)).isNotNull();
        }
    }
}
