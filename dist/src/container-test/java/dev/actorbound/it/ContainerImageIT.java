package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

/**
 * The official Keycloak image, in production mode with the options {@code docker-compose.yml} shares with the
 * PostgreSQL pass (minus the database: the container keeps its own), our jar in {@code providers/} and the demo
 * realm imported: the extension is active and the demo realm's code flow yields a delegated token. Runs with
 * {@code ./mvnw verify -Pcontainers} where a Docker engine exists; without one it is skipped, never failed.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageIT {

    private static final String REDIRECT = "http://localhost:8089/callback";

    @Container
    static final KeycloakContainer KEYCLOAK = new KeycloakContainer(
            "quay.io/keycloak/keycloak:" + System.getProperty("keycloak.version"))
            .withProductionMode()
            .withEnv(sharedOptionsWithoutDatabase())
            .withProviderLibsFrom(List.of(new File("target/actorbound.jar")))
            .withCopyFileToContainer(MountableFile.forHostPath(DemoRealmIT.DEMO_REALM),
                    "/opt/keycloak/data/import/demo-realm.json")
            .withCustomCommand("--import-realm");

    private static Map<String, String> sharedOptionsWithoutDatabase() {
        Map<String, String> options = new LinkedHashMap<>(ProductionOptions.read());
        options.remove("KC_DB");
        return options;
    }

    @Test
    void theImageRunsTheExtension() {
        OAuth oauth = new OAuth(KEYCLOAK.getAuthServerUrl());
        assertThat(oauth.discovery("demo").path("requested_actor_supported").asBoolean()).isTrue();
    }

    @Test
    void theDemoRealmsCodeFlowYieldsADelegatedToken() throws Exception {
        OAuth oauth = new OAuth(KEYCLOAK.getAuthServerUrl());
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String url = oauth.authorizeUrl("demo", "travel-planner", REDIRECT, "openid", "state", pkce,
                Map.of("requested_actor", "planner-agent"));
        HttpLogin.Outcome outcome = new HttpLogin(REDIRECT).authorize(url, "alice", "alice", "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
        OAuth.TokenResponse actor = oauth.token("demo", Map.of("grant_type", "client_credentials", "scope", "actorbound-actor"),
                "planner-agent", "planner-secret");
        OAuth.TokenResponse redeemed = oauth.token("demo", Map.of("grant_type", "authorization_code",
                "client_id", "travel-planner", "code", outcome.code(), "redirect_uri", REDIRECT,
                "code_verifier", pkce.verifier(), "actor_token", actor.accessToken(),
                "actor_token_type", OAuth.ACCESS_TOKEN_TYPE), null, null);

        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(redeemed.accessToken(), KEYCLOAK.getAuthServerUrl() + "/realms/demo",
                oauth.jwksUrl("demo"));
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", "planner-agent");
        assertThat(claims.getAudience()).contains("travel-api");
    }
}
