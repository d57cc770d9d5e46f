package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the test harness itself: server, realm builder, admin client, token verification and browser. */
@ExtendWith(KeycloakServer.class)
class HarnessSmokeIT {

    private static TestRealm realm;

    @BeforeAll
    static void createRealm(KeycloakServer server) {
        realm = TestRealm.create(server);
    }

    @AfterAll
    static void deleteRealm() {
        if (realm != null) {
            realm.close();
        }
    }

    @Test
    void serverIsUpAndTheRealmIsBuilt() {
        Admin.Response clients = realm.admin().get("/realms/" + realm.name() + "/clients");
        assertThat(clients.status()).isEqualTo(200);
        assertThat(clients.body().findValuesAsText("clientId"))
                .contains(TestRealm.APP, TestRealm.BACKEND, TestRealm.PLANNER, TestRealm.BOOKING, TestRealm.NOT_AN_AGENT);
        assertThat(realm.userId(TestRealm.ALICE)).isNotBlank();
        assertThat(realm.admin().get("/realms/" + realm.name() + "/events/config").body().path("eventsEnabled").asBoolean())
                .isTrue();
    }

    @Test
    void agentServiceAccountTokenVerifiesIndependently() throws Exception {
        String token = realm.oauth().clientCredentialsToken(realm.name(), TestRealm.PLANNER, TestRealm.PLANNER_SECRET);

        JWTClaimsSet claims = Jwt.verify(token, realm);

        assertThat(claims.getIssuer()).isEqualTo(realm.issuer());
        assertThat(claims.getSubject()).isEqualTo(realm.agentServiceAccountId(TestRealm.PLANNER));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.PLANNER);
        assertThat(realm.admin().events(realm.name(), "CLIENT_LOGIN"))
                .anySatisfy(event -> assertThat(event.path("clientId").asText()).isEqualTo(TestRealm.PLANNER));
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
        String url = realm.oauth().authorizeUrl(realm.name(), TestRealm.APP, TestRealm.REDIRECT_URI, "openid",
                "state-1", pkce, Map.of());
        Map<String, String> callback;
        try (Browser browser = Browser.open()) {
            browser.loginAt(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            callback = browser.awaitRedirect(TestRealm.REDIRECT_URI);
            browser.screenshot(Path.of("target/screenshots/harness-after-login.png"));
        }
        assertThat(callback).containsEntry("state", "state-1").doesNotContainKey("error").containsKey("code");

        OAuth.TokenResponse response = realm.oauth().token(realm.name(), Map.of("grant_type", "authorization_code",
                "client_id", TestRealm.APP, "code", callback.get("code"), "redirect_uri", TestRealm.REDIRECT_URI,
                "code_verifier", pkce.verifier()), null, null);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestRealm.APP);
        assertThat(claims.getClaim("act")).isNull();
    }
}
