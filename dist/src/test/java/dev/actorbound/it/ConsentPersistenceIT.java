package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consent survives a Keycloak restart on a real database: the remembered consent still skips the page and
 * tokens issued under it stay active. Runs in CI's PostgreSQL pass; the embedded dev database lives in memory.
 */
@ExtendWith(KeycloakServer.class)
class ConsentPersistenceIT {


    private static TestRealm realm;

    @AfterAll
    static void deleteRealm() {
        if (realm != null) {
            realm.close();
        }
    }

    @Test
    void consentSurvivesARestart(KeycloakServer server) {
        Assumptions.assumeTrue(server.persistentDatabase(), "needs a database that outlives the server (-Dit.db=postgres)");
        realm = TestRealm.create(server);
        realm.addResourceServer();
        Delegations flow = new Delegations(realm);
        OAuth.TokenResponse issued = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);

        server.restart();

        assertThat(realm.introspect(issued.accessToken())
                .path("active").asBoolean()).as("a token issued before the restart").isTrue();
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome again = flow.authorize(pkce, Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(again.isConsentPage()).as("the remembered consent skips the page: %s", again).isFalse();
        OAuth.TokenResponse redeemed = flow.redeem(new Delegations.Code(again.code(), pkce), flow.actorToken(TestClients.PLANNER));
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
    }
}
