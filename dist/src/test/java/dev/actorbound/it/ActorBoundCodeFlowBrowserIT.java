package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole actor-bound code flow as a user and an app live it: real Chromium for login and consent, then the
 * code redeemed with the agent's actor token, the token verified with Nimbus against the realm's JWKS, read back
 * through introspection, and recorded in the events.
 */
@WithRealms
class ActorBoundCodeFlowBrowserIT {

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
    }

    @Test
    void userConsentsToTheNamedAgentAndTheAppGetsADelegatedToken() throws Exception {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        Map<String, String> callback;
        try (Browser browser = Browser.open()) {
            browser.loginAt(flow.authorizeUrl(pkce, Map.of("requested_actor", TestClients.PLANNER)),
                    TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            WebDriver driver = browser.driver();
            new WebDriverWait(driver, java.time.Duration.ofSeconds(20))
                    .until(ExpectedConditions.visibilityOfElementLocated(By.id("actorbound-consent")));
            assertThat(driver.findElement(By.id("actorbound-consent-title")).getText())
                    .isEqualTo("Allow Trip Planner to act for you in travel-planner?");
            assertThat(driver.findElement(By.id("actorbound-agent-name")).getText()).isEqualTo("Trip Planner");
            assertThat(driver.findElement(By.id("actorbound-agent-description")).getText())
                    .isEqualTo("Plans trips and proposes itineraries.");
            assertThat(driver.findElement(By.id("actorbound-roles")).getText()).contains("reader");
            assertThat(driver.findElement(By.id("actorbound-lifetime")).getText()).contains("5 minutes");
            browser.screenshot(Path.of("target/screenshots/agent-consent.png"));
            driver.findElement(By.id("actorbound-accept")).click();
            callback = browser.awaitRedirect(TestRealm.REDIRECT_URI);
        }
        assertThat(callback).containsEntry("state", Delegations.STATE).containsKey("code").doesNotContainKey("error");

        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(callback.get("code"), pkce),
                flow.actorToken(TestClients.PLANNER));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.refreshToken()).as("no refresh token for a delegated code").isNull();
        assertThat(response.body().path("expires_in").asInt()).isBetween(1, 300);
        String plannerSa = realm.agentServiceAccountId(TestClients.PLANNER);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getIssuer()).isEqualTo(realm.issuer());
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestClients.APP);
        assertThat(claims.getStringClaim("client_id")).isEqualTo(TestClients.APP);
        assertThat(claims.getAudience()).contains(TestClients.CALENDAR_API);
        assertThat(claims.getExpirationTime()).isAfter(java.util.Date.from(Instant.now()));
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isLessThanOrEqualTo(300_000L);
        assertThat(claims.getJSONObjectClaim("act")).isEqualTo(Map.of("sub", plannerSa, "client_id", TestClients.PLANNER));
        assertThat(realmRoles(claims)).as("agent's roles ∩ alice's roles").containsExactly("reader");

        JsonNode introspection = realm.introspect(response.accessToken());
        assertThat(introspection.path("active").asBoolean()).isTrue();
        assertThat(introspection.path("sub").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(introspection.path("act").path("sub").asText()).isEqualTo(plannerSa);
        assertThat(introspection.path("act").path("client_id").asText()).isEqualTo(TestClients.PLANNER);

        ObjectNode event = realm.admin().events(realm.name(), "CODE_TO_TOKEN").get(0);
        assertThat(event.path("clientId").asText()).isEqualTo(TestClients.APP);
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.path("details").path("actor_chain").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.path("details").path("granted_roles").asText()).isEqualTo("reader");
        assertThat(Exchanges.words(event.path("details").path("audience").asText())).contains(TestClients.CALENDAR_API);
        assertThat(flow.event("GRANT_CONSENT", "").path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.toString()).doesNotContain(response.accessToken());
    }

    @Test
    void introspectionTurnsInactiveWhenTheAgentIsDisabled() {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(TestClients.BOOKING), flow.actorToken(TestClients.BOOKING));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(realm.introspect(response.accessToken())
                .path("active").asBoolean()).isTrue();

        realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("enabled", false));
        try {
            JsonNode after = realm.introspect(response.accessToken());
            assertThat(after.path("active").asBoolean()).isFalse();
            assertThat(after.has("act")).isFalse();
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("enabled", true));
        }
    }

    @Test
    void discoveryAdvertisesActorBoundDelegation() {
        JsonNode config = realm.oauth().discovery(realm.name());
        assertThat(config.path("requested_actor_supported").isBoolean()).isTrue();
        assertThat(config.path("requested_actor_supported").asBoolean()).isTrue();
        assertThat(config.path("actor_token_types_supported").size()).isEqualTo(2);
        assertThat(List.of(config.path("actor_token_types_supported").get(0).asText(),
                config.path("actor_token_types_supported").get(1).asText()))
                .containsExactly("urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:jwt");
        assertThat(config.path("token_endpoint").asText()).isEqualTo(realm.issuer() + "/protocol/openid-connect/token");
    }

    @SuppressWarnings("unchecked")
    private static List<String> realmRoles(JWTClaimsSet claims) throws Exception {
        Map<String, Object> realmAccess = claims.getJSONObjectClaim("realm_access");
        return realmAccess == null ? List.of() : (List<String>) realmAccess.get("roles");
    }
}
