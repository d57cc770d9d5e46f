package dev.actorbound.it;

import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.NOT_AN_AGENT;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorTokenAudience;
import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Actor tokens the app cannot replay. The agent hands its actor token to the app; with {@code scope=actorbound-actor}
 * that token's only audience is the realm's token endpoint, so resource servers that check {@code aud} refuse it, and
 * a realm with {@code actorbound.actor-token-audience-required=true} accepts no other actor token at code
 * redemption, refresh and exchange. Whatever its audience, an agent's own token is never taken for a user's.
 *
 * <p>Two realms: one with the defaults (the switch off) and a strict one (the switch on).
 */
@WithRealms
class ActorTokenAudienceIT {

    private static final String SCOPE = ActorTokenAudience.SCOPE;
    private static final String SWITCH = ActorTokenAudience.REQUIRED_ATTRIBUTE;
    private static final String UNRESTRICTED =
            "actor_token must be restricted to this realm's token endpoint: request it with scope=" + SCOPE;
    private static final String NOT_A_USER = "subject_token is a client's own token, not a user's";

    private static TestRealm realm;
    private static Exchanges ex;
    private static TestRealm strict;
    private static Exchanges strictEx;

    @BeforeAll
    static void createRealms(TestRealm main, TestRealm strictRealm) {
        realm = main;
        ex = Exchanges.setUp(realm);
        strict = strictRealm;
        strictEx = Exchanges.setUp(strict);
        strict.admin().updateClient(strict.name(), PLANNER, c -> c.with("attributes").put(AgentAttributes.REFRESH_ALLOWED, "true"));
        ObjectNode representation = (ObjectNode) strict.admin().get("/realms/" + strict.name()).body();
        representation.with("attributes").put(SWITCH, "true");
        assertThat(strict.admin().put("/realms/" + strict.name(), representation).ok()).isTrue();
    }

    // ---- the scope ----

    @Test
    void theActorScopeMakesTheTokenEndpointTheOnlyAudience() throws Exception {
        // booking-agent's tokens carry booking-api through an audience mapper (Exchanges.setUp): booking-api takes them.
        String plain = strictEx.ownToken(BOOKING);
        assertThat(Jwt.verify(plain, strict).getAudience()).contains(TestClients.BOOKING_API);
        assertThat(introspectedByBookingApi(plain).path("active").asBoolean()).isTrue();

        String restricted = restrictedToken(strict, BOOKING);

        JWTClaimsSet claims = Jwt.verify(restricted, strict);
        assertThat(claims.getAudience()).containsExactly(tokenEndpoint(strict));
        assertThat(claims.getSubject()).isEqualTo(strict.agentServiceAccountId(BOOKING));
        assertThat(claims.getStringClaim("azp")).isEqualTo(BOOKING);
        assertThat(Exchanges.scopes(claims)).contains(SCOPE);
        // A resource server that relies on Keycloak's introspection is told the restricted token is not for it.
        assertThat(introspectedByBookingApi(restricted).path("active").asBoolean()).isFalse();
    }

    @Test
    void anAgentImportedWithItsRealmGetsTheScope() {
        KeycloakServer server = realm.server();
        String name = realm.name() + "-imported";
        String agent = "imported-agent";
        server.admin().createRealm(Map.of("realm", name, "enabled", true,
                "roles", Map.of("realm", List.of(Map.of("name", TestRealm.AGENT_ROLE))),
                "clients", List.of(Map.of("clientId", agent, "secret", "imported-secret", "publicClient", false,
                        "serviceAccountsEnabled", true, "standardFlowEnabled", false, "fullScopeAllowed", false,
                        "attributes", Map.of(AgentAttributes.AGENT_MARKER, "true"))),
                "users", List.of(Map.of("username", "service-account-" + agent, "enabled", true,
                        "serviceAccountClientId", agent, "realmRoles", List.of(TestRealm.AGENT_ROLE)))));
        try {
            OAuth.TokenResponse response = server.oauth().token(name,
                    Map.of("grant_type", "client_credentials", "scope", SCOPE), agent, "imported-secret");
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            String issuer = server.baseUrl() + "/realms/" + name;
            assertThat(Jwt.verify(response.accessToken(), issuer, server.oauth().jwksUrl(name)).getAudience())
                    .containsExactly(issuer + "/protocol/openid-connect/token");
        } finally {
            server.admin().deleteRealm(name);
        }
    }

    // ---- the switch on: code redemption, refresh, exchange ----

    @Test
    void switchOnRefusesAnUnrestrictedActorTokenAtCodeRedemptionAndTakesARestrictedOne() throws Exception {
        Delegations flow = strictEx.flow();

        flow.assertRefused(flow.redeem(flow.delegatedCode(PLANNER), flow.actorToken(PLANNER)), "invalid_grant",
                UNRESTRICTED, ActorboundErrors.ACTOR_TOKEN_AUDIENCE, PLANNER);

        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(PLANNER), restrictedToken(strict, PLANNER));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), strict);
        assertThat(claims.getSubject()).isEqualTo(strict.userId(TestRealm.ALICE));
        assertThat(claims.getJSONObjectClaim("act")).isEqualTo(strictEx.chain(PLANNER));
    }

    @Test
    void switchOnRefusesAnUnrestrictedActorTokenAtRefreshAndTakesARestrictedOne() throws Exception {
        Delegations flow = strictEx.flow();
        OAuth.TokenResponse tokens = flow.redeem(flow.delegatedCode(PLANNER), restrictedToken(strict, PLANNER));
        assertThat(tokens.refreshToken()).as(tokens.toString()).isNotBlank();

        OAuth.TokenResponse refused = flow.refresh(tokens.refreshToken(), flow.actorToken(PLANNER));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("invalid_grant");
        assertThat(refused.errorDescription()).isEqualTo(UNRESTRICTED);
        assertThat(refused.body().has("access_token")).isFalse();
        assertThat(refused.body().has("refresh_token")).isFalse();
        ObjectNode event = errorEvent(strict, "REFRESH_TOKEN_ERROR", UNRESTRICTED);
        assertThat(event.path("error").asText()).isEqualTo(ActorboundErrors.ACTOR_TOKEN_AUDIENCE);
        assertThat(event.path("details").path("actor").asText()).isEqualTo(PLANNER);

        OAuth.TokenResponse refreshed = flow.refresh(tokens.refreshToken(), restrictedToken(strict, PLANNER));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(Jwt.verify(refreshed.accessToken(), strict).getJSONObjectClaim("act")).isEqualTo(strictEx.chain(PLANNER));
    }

    @Test
    void switchOnRefusesAnUnrestrictedActorTokenAtExchangeAndTakesARestrictedOne() {
        Delegations flow = strictEx.flow();
        OAuth.TokenResponse hop1 = flow.redeem(flow.delegatedCode(PLANNER), restrictedToken(strict, PLANNER));
        assertThat(hop1.status()).as(hop1.toString()).isEqualTo(200);

        strictEx.assertRefused(strictEx.exchange(BOOKING, hop1.accessToken(), strictEx.ownToken(BOOKING), Map.of()),
                "invalid_grant", UNRESTRICTED);
        assertThat(errorEvent(strict, "TOKEN_EXCHANGE_ERROR", UNRESTRICTED).path("error").asText()).isEqualTo(ActorboundErrors.ACTOR_TOKEN_AUDIENCE);

        strictEx.assertIssued(strictEx.exchange(BOOKING, hop1.accessToken(), restrictedToken(strict, BOOKING), Map.of()),
                hop1.accessToken(), "booking-agent<planner-agent");
    }

    // ---- the switch off (default): both kinds of actor token work ----

    @Test
    void switchOffTakesARestrictedActorTokenAsWellAsAPlainOne() {
        Delegations flow = ex.flow();
        assertThat(flow.redeem(flow.delegatedCode(PLANNER), restrictedToken(realm, PLANNER)).status()).isEqualTo(200);
        assertThat(flow.redeem(flow.delegatedCode(PLANNER), flow.actorToken(PLANNER)).status()).isEqualTo(200);
    }

    // ---- replaying an actor token ----

    @Test
    void anActorTokenIsNeverASubjectToken() {
        ex.flow().delegatedCode(PLANNER); // alice consents to planner-agent for travel-planner
        String restricted = restrictedToken(realm, PLANNER);
        String plain = ex.ownToken(PLANNER);

        // Another agent, the agent itself, with either kind of token: the subject is a service account, not a user.
        ex.assertRefused(ex.exchange(BOOKING, restricted), "invalid_grant", NOT_A_USER);
        ex.assertRefused(ex.exchange(PLANNER, restricted), "invalid_grant", NOT_A_USER);
        ex.assertRefused(ex.exchange(PLANNER, plain), "invalid_grant", NOT_A_USER);
        assertThat(errorEvent(realm, "TOKEN_EXCHANGE_ERROR", NOT_A_USER).path("error").asText()).isEqualTo(ActorboundErrors.SERVICE_ACCOUNT_SUBJECT);
        // A client that is not an agent (the app the token was handed to) cannot exchange it at all.
        ex.assertRefused(ex.exchange(NOT_AN_AGENT, restricted, restricted, Map.of()), "unauthorized_client",
                "the requesting client is not an agent");
    }

    // ---- helpers ----

    /** The agent's own token asked with {@code scope=actorbound-actor}. */
    private static String restrictedToken(TestRealm in, String agent) {
        OAuth.TokenResponse response = in.oauth().token(in.name(), Map.of("grant_type", "client_credentials", "scope", SCOPE),
                agent, TestClients.secretOf(agent));
        assertThat(response.status()).as("client_credentials with scope=%s for %s: %s", SCOPE, agent, response).isEqualTo(200);
        return response.accessToken();
    }

    private static JsonNode introspectedByBookingApi(String token) {
        return strict.oauth().introspect(strict.name(), token, TestClients.BOOKING_API, TestClients.BOOKING_API_SECRET);
    }

    private static String tokenEndpoint(TestRealm in) {
        return in.issuer() + "/protocol/openid-connect/token";
    }

    private static ObjectNode errorEvent(TestRealm in, String type, String reason) {
        List<ObjectNode> events = in.admin().events(in.name(), type);
        return events.stream().filter(e -> reason.equals(e.path("details").path("reason").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " with reason '" + reason + "' in " + events));
    }
}
