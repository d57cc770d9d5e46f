package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves the test harness itself: server, realm builder, admin client, token verification and browser. */
@WithRealms
class HarnessSmokeIT {

    private static TestRealm realm;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
    }

    @Test
    void serverIsUpAndTheRealmIsBuilt() {
        Admin.Response clients = realm.admin().get("/realms/" + realm.name() + "/clients");
        assertThat(clients.status()).isEqualTo(200);
        assertThat(clients.body().findValuesAsText("clientId"))
                .contains(TestClients.APP, TestClients.BACKEND, TestClients.PLANNER, TestClients.BOOKING, TestClients.NOT_AN_AGENT);
        assertThat(realm.userId(TestRealm.ALICE)).isNotBlank();
        assertThat(realm.admin().get("/realms/" + realm.name() + "/events/config").body().path("eventsEnabled").asBoolean())
                .isTrue();
    }

    @Test
    void agentServiceAccountTokenVerifiesIndependently() throws Exception {
        String token = realm.oauth().clientCredentialsToken(realm.name(), TestClients.PLANNER, TestClients.PLANNER_SECRET);

        JWTClaimsSet claims = Jwt.verify(token, realm);

        assertThat(claims.getIssuer()).isEqualTo(realm.issuer());
        assertThat(claims.getSubject()).isEqualTo(realm.agentServiceAccountId(TestClients.PLANNER));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestClients.PLANNER);
        assertThat(realm.admin().events(realm.name(), "CLIENT_LOGIN"))
                .anySatisfy(event -> assertThat(event.path("clientId").asText()).isEqualTo(TestClients.PLANNER));
    }

    /** The extension's job (RealmSetup), not the harness's: TestRealm adds the role itself when it is missing. */
    @Test
    void extensionCreatesTheAgentRoleInNewRealms() {
        assertThat(realm.agentRoleCreatedByExtension())
                .as("the realm role ai-agent should exist as soon as a realm is created (extension)").isTrue();
        assertThat(realm.admin().get("/realms/" + realm.name() + "/roles/ai-agent").body().path("description").asText())
                .isNotBlank();
    }

    @Test
    void browserLoginWithPkceYieldsAlicesToken() throws Exception {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String url = realm.oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid",
                "state-1", pkce, Map.of());
        Map<String, String> callback;
        try (Browser browser = Browser.open()) {
            browser.loginAt(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            callback = browser.awaitRedirect(TestRealm.REDIRECT_URI);
            browser.screenshot(Path.of("target/screenshots/harness-after-login.png"));
        }
        assertThat(callback).containsEntry("state", "state-1").doesNotContainKey("error").containsKey("code");

        OAuth.TokenResponse response = realm.oauth().token(realm.name(), Map.of("grant_type", "authorization_code",
                "client_id", TestClients.APP, "code", callback.get("code"), "redirect_uri", TestRealm.REDIRECT_URI,
                "code_verifier", pkce.verifier()), null, null);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestClients.APP);
        assertThat(claims.getClaim("act")).isNull();
    }
}
