package dev.actorbound.it;

import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROTOCOL §6: the JSON audit trail a log shipper reads from category {@code actorbound.audit}. Each line is matched
 * to the event Keycloak stored (same event id) and checked against what the client received; no line may carry a
 * token or code used in the test.
 */
@ExtendWith(KeycloakServer.class)
class AuditLogIT {

    private static KeycloakServer server;
    private static TestRealm realm;
    private static Exchanges exchanges;
    private static Delegations flow;
    private static AuditLog audit;
    /** Every token and code the tests handled: none may appear in the audit log. */
    private static final List<String> SECRETS = new ArrayList<>();

    @BeforeAll
    static void createRealm(KeycloakServer keycloak) {
        server = keycloak;
        realm = TestRealm.create(server);
        exchanges = Exchanges.setUp(realm);
        // The app's tokens name calendar-api (an audience mapper): the audit line of a redemption names it too.
        exchanges.addAudienceMapper(TestClients.APP, TestClients.CALENDAR_API);
        flow = exchanges.flow();
        audit = new AuditLog(server, realm.name());
    }

    @AfterAll
    static void deleteRealm() {
        if (realm != null) {
            realm.close();
        }
    }

    @AfterEach
    void noLineCarriesATokenOrCode() {
        assertNoSecrets(audit);
    }

    @Test
    void consentAndRedemptionOfADelegatedCodeAreLogged() throws Exception {
        Delegations.Code code = remember(flow.delegatedCode(PLANNER));
        String actorToken = remember(flow.actorToken(PLANNER));
        OAuth.TokenResponse response = remember(flow.redeem(code, actorToken));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);

        JsonNode redeemed = audit.awaitEvent(newest("CODE_TO_TOKEN").path("id").asText());
        assertCommonFields(redeemed, "CODE_TO_TOKEN", "success", APP, PLANNER);
        assertThat(redeemed.path("app").asText()).isEqualTo(APP);
        assertThat(redeemed.path("actor_sub").asText()).isEqualTo(realm.agentServiceAccountId(PLANNER));
        assertThat(redeemed.path("actor_chain").asText()).isEqualTo(PLANNER);
        assertThat(texts(redeemed.path("actors"))).containsExactly(PLANNER);
        assertThat(texts(redeemed.path("granted_roles"))).containsExactlyInAnyOrderElementsOf(Exchanges.allRoles(claims));
        assertThat(claims.getAudience()).contains(TestClients.CALENDAR_API);
        assertThat(texts(redeemed.path("audience"))).containsExactlyInAnyOrderElementsOf(claims.getAudience());
        assertThat(redeemed.has("error")).isFalse();
        assertThat(redeemed.has("reason")).isFalse();

        JsonNode consented = audit.awaitEvent(newest("GRANT_CONSENT").path("id").asText());
        assertCommonFields(consented, "GRANT_CONSENT", "success", APP, PLANNER);
        assertThat(texts(consented.path("scope"))).contains("openid");
    }

    @Test
    void refusedRedemptionIsLoggedWithErrorAndReason() {
        Delegations.Code code = remember(flow.delegatedCode(PLANNER));
        OAuth.TokenResponse refused = remember(flow.redeem(code, remember(flow.actorToken(BOOKING))));
        String reason = "actor_token does not belong to the agent the user consented to";
        flow.assertRefused(refused, "invalid_grant", reason, ActorboundErrors.ACTOR_MISMATCH, PLANNER);

        JsonNode line = audit.awaitEvent(flow.event("CODE_TO_TOKEN_ERROR", reason).path("id").asText());

        assertCommonFields(line, "CODE_TO_TOKEN_ERROR", "failure", APP, PLANNER);
        assertThat(line.path("error").asText()).isEqualTo(ActorboundErrors.ACTOR_MISMATCH);
        assertThat(line.path("reason").asText()).isEqualTo(reason);
        assertThat(line.has("granted_roles")).as("nothing was granted").isFalse();
    }

    @Test
    void refusalAtTheAuthorizationEndpointIsLogged() {
        HttpLogin.Outcome outcome = flow.authorize(Map.of("requested_actor", TestClients.NOT_AN_AGENT));
        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "invalid_request").doesNotContainKey("code");

        JsonNode line = audit.awaitEvent(flow.event("LOGIN_ERROR", "unknown agent").path("id").asText());

        assertThat(line.path("type").asText()).isEqualTo("LOGIN_ERROR");
        assertThat(line.path("outcome").asText()).isEqualTo("failure");
        assertThat(line.path("client").asText()).isEqualTo(APP);
        assertThat(line.path("app").asText()).isEqualTo(APP);
        assertThat(line.path("actor").asText()).as("what the app asked for").isEqualTo(TestClients.NOT_AN_AGENT);
        assertThat(line.path("reason").asText()).isEqualTo("unknown agent");
        assertThat(line.path("error").asText()).isNotBlank();
    }

    @Test
    void tokenExchangeNamesTheWholeChainAndTheOriginalApp() throws Exception {
        String subject = remember(exchanges.codeFlowToken(PLANNER));
        String bookingOwn = remember(exchanges.ownToken(BOOKING));
        Exchanges.Attempt attempt = exchanges.exchange(BOOKING, subject, bookingOwn, Map.of("audience", TestClients.BOOKING_API));
        remember(attempt.response());
        JWTClaimsSet claims = exchanges.assertIssued(attempt, subject, BOOKING + "<" + PLANNER);

        JsonNode line = audit.awaitEvent(newest(Exchanges.TOKEN_EXCHANGE).path("id").asText());

        assertCommonFields(line, "TOKEN_EXCHANGE", "success", BOOKING, BOOKING);
        assertThat(line.path("app").asText()).as("the app alice consented through, not the requester").isEqualTo(APP);
        assertThat(line.path("actor_sub").asText()).isEqualTo(realm.agentServiceAccountId(BOOKING));
        assertThat(line.path("actor_chain").asText()).isEqualTo(BOOKING + "<" + PLANNER);
        assertThat(texts(line.path("actors"))).containsExactly(BOOKING, PLANNER);
        assertThat(texts(line.path("audience"))).containsExactlyInAnyOrderElementsOf(claims.getAudience())
                .contains(TestClients.BOOKING_API);
        assertThat(texts(line.path("granted_roles"))).containsExactlyInAnyOrderElementsOf(Exchanges.allRoles(claims));
    }

    @Test
    void plainCodeFlowIsNotADelegationAndIsNotLogged() {
        OAuth.TokenResponse plain = remember(flow.redeem(remember(flow.plainCode()), null));
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
        String plainEventId = newest("CODE_TO_TOKEN").path("id").asText();
        OAuth.TokenResponse delegated = remember(flow.redeem(remember(flow.delegatedCode(PLANNER)),
                remember(flow.actorToken(PLANNER))));
        assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);

        // Lines are written in commit order: once the later delegation is there, the plain redemption would be too.
        audit.awaitEvent(newest("CODE_TO_TOKEN").path("id").asText());

        assertThat(audit.entries()).noneMatch(entry -> plainEventId.equals(entry.path("event_id").asText()));
        assertThat(audit.entries()).allSatisfy(entry -> assertThat(entry.path("actor").asText()).isNotBlank());
    }

    /** Listeners get every event, stored or not: the trail does not depend on the realm's "Save events" switch. */
    @Test
    void realmsThatStoreNoEventsAreAuditedToo() {
        try (TestRealm quiet = TestRealm.create(server)) {
            assertThat(quiet.admin().put("/realms/" + quiet.name() + "/events/config", Map.of("eventsEnabled", false)).ok())
                    .isTrue();
            Delegations quietFlow = new Delegations(quiet);
            OAuth.TokenResponse refused = remember(quietFlow.redeem(remember(quietFlow.delegatedCode(PLANNER)),
                    remember(quietFlow.actorToken(BOOKING))));
            assertThat(refused.status()).isEqualTo(400);

            JsonNode line = new AuditLog(server, quiet.name()).await("refused redemption",
                    entry -> entry.path("type").asText().equals("CODE_TO_TOKEN_ERROR"));

            assertThat(line.path("error").asText()).isEqualTo(ActorboundErrors.ACTOR_MISMATCH);
            assertThat(line.path("actor").asText()).isEqualTo(PLANNER);
            assertThat(quiet.admin().events(quiet.name())).as("nothing stored").isEmpty();
            assertNoSecrets(new AuditLog(server, quiet.name()));
        }
    }

    /** The raw lines, log prefix included, as a shipper would forward them. */
    private static void assertNoSecrets(AuditLog log) {
        for (String line : log.rawLines()) {
            assertThat(line).doesNotContain("eyJ");
            SECRETS.forEach(secret -> assertThat(line).as("a token or code in the audit log").doesNotContain(secret));
        }
    }

    private static void assertCommonFields(JsonNode line, String type, String outcome, String client, String actor) {
        assertThat(line.path("realm").asText()).isEqualTo(realm.name());
        assertThat(line.path("type").asText()).isEqualTo(type);
        assertThat(line.path("outcome").asText()).isEqualTo(outcome);
        assertThat(line.path("event_id").asText()).isNotBlank();
        assertThat(line.path("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
        assertThat(line.path("user_id").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(line.path("client").asText()).isEqualTo(client);
        assertThat(line.path("actor").asText()).isEqualTo(actor);
        assertThat(line.path("ip_address").asText()).isNotBlank();
    }

    /** The newest stored event of the type: its id is what the audit line must carry. */
    private static ObjectNode newest(String type) {
        List<ObjectNode> events = realm.admin().events(realm.name(), type);
        assertThat(events).as("stored %s events", type).isNotEmpty();
        return events.get(0);
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as("array: %s", array).isTrue();
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static String remember(String secret) {
        if (secret != null) {
            SECRETS.add(secret);
        }
        return secret;
    }

    private static Delegations.Code remember(Delegations.Code code) {
        remember(code.value());
        remember(code.pkce().verifier());
        return code;
    }

    private static OAuth.TokenResponse remember(OAuth.TokenResponse response) {
        remember(response.accessToken());
        remember(response.refreshToken());
        return response;
    }
}
