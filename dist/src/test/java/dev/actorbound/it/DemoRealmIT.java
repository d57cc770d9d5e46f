package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorTokenAudience;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo realm that {@code run-demo.sh} and {@code docker-compose.yml} import still works end to end: imported
 * under another name, alice delegates to planner-agent, whose actor token (asked for with the
 * {@code actorbound-actor} scope, as the README's walkthrough does) redeems the code into a delegated token.
 */
@ExtendWith(KeycloakServer.class)
class DemoRealmIT {

    private static final Path DEMO_REALM = Path.of("src/main/demo/demo-realm.json");
    private static final String REDIRECT = "http://localhost:8089/callback";

    private static KeycloakServer server;
    private static String realm;

    @BeforeAll
    static void importDemoRealm(KeycloakServer keycloak) throws IOException {
        server = keycloak;
        ObjectNode representation = (ObjectNode) Admin.read(Files.readString(DEMO_REALM));
        realm = "demo-" + Long.toHexString(System.nanoTime());
        representation.put("realm", realm);
        representation.remove("id");
        server.admin().post("/realms", representation).expectOk("import the demo realm");
    }

    @AfterAll
    static void deleteRealm() {
        if (realm != null) {
            server.admin().deleteRealm(realm);
        }
    }

    @Test
    void aliceDelegatesToThePlannerAgentAsTheReadmeShows() throws Exception {
        OAuth oauth = server.oauth();
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String url = oauth.authorizeUrl(realm, "travel-planner", REDIRECT, "openid", "demo-state", pkce,
                Map.of("requested_actor", "planner-agent"));
        HttpLogin.Outcome outcome = new HttpLogin(REDIRECT).authorize(url, "alice", "alice", "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();

        OAuth.TokenResponse actor = oauth.token(realm, Map.of("grant_type", "client_credentials", "scope", ActorTokenAudience.SCOPE),
                "planner-agent", "planner-secret");
        assertThat(actor.status()).as(actor.toString()).isEqualTo(200);
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "client_id", "travel-planner",
                "code", outcome.code(), "redirect_uri", REDIRECT, "code_verifier", pkce.verifier(),
                "actor_token", actor.accessToken(), "actor_token_type", OAuth.ACCESS_TOKEN_TYPE));
        OAuth.TokenResponse redeemed = oauth.token(realm, form, null, null);

        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(redeemed.accessToken(), server.baseUrl() + "/realms/" + realm, oauth.jwksUrl(realm));
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", "planner-agent");
        assertThat(Exchanges.allRoles(claims)).isEqualTo(List.of("reader"));
    }
}
