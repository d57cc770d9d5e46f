package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consents of release 0.1, kept as signed user attributes, move into the table at start-up. A server of the test's own
 * starts with the old store ({@code --spi-actorbound-consent-store--provider=user-attribute}), alice consents on the real
 * consent page, and the server starts again with the default store: her consents are rows now (same scopes, same time),
 * the attributes are gone, and the consents still count. A genuine old record an admin writes back after the migration
 * revives nothing, not even when the next start-up finds it; that start moves nothing twice and loses nothing.
 *
 * <p>The server runs from a private copy of the distribution, on a database that outlives it: H2 in a file on the H2
 * pass, a schema of its own on the PostgreSQL pass.
 */
class ConsentMigrationIT {

    private static final String OLD_STORE = "--spi-actorbound-consent-store--provider=user-attribute";
    private static final String RECORD_PREFIX = "actorbound.consent.";
    private static final String CLIENTS_INDEX = "actorbound.delegation-clients";

    private static String schema;
    private static KeycloakProcess process;
    private static KeycloakServer server;
    private static List<String> arguments;

    @BeforeAll
    static void startWithTheOldStore() {
        Path home = KeycloakProcess.privateCopy("keycloak-migration");
        int http = KeycloakProcess.freePort();
        int management = KeycloakProcess.freePort();
        arguments = new ArrayList<>(List.of("start-dev", "--http-port=" + http, "--http-management-port=" + management,
                "--health-enabled=true", "--features=declarative-ui"));
        if (PostgresDatabase.available()) {
            schema = PostgresDatabase.createSchema("migration");
            arguments.addAll(PostgresDatabase.keycloakOptions(schema));
        } else {
            arguments.add("--db=dev-file");
        }
        List<String> oldStore = new ArrayList<>(arguments);
        oldStore.add(OLD_STORE);
        process = KeycloakProcess.start(home, oldStore, http, management, home.resolveSibling("keycloak-migration.log"));
        server = KeycloakServer.of(process);
    }

    @AfterAll
    static void stop() {
        if (process != null) {
            process.close();
        }
        if (schema != null) {
            PostgresDatabase.dropSchema(schema);
        }
    }

    @Test
    void consentsOfTheAttributeStoreMoveIntoTheTableOnceAndKeepCounting() throws Exception {
        TestRealm realm = TestRealm.create(server);
        realm.addResourceServer();
        Delegations flow = new Delegations(realm);
        OAuth.TokenResponse issued = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        flow.delegatedBackendCode(TestClients.PLANNER, "openid");
        flow.delegatedBackendCode(TestClients.BOOKING, "openid");
        String plannerRecordKey = RECORD_PREFIX + realm.admin().clientUuid(realm.name(), TestClients.APP) + "."
                + realm.admin().clientUuid(realm.name(), TestClients.PLANNER);
        ObjectNode before = realm.adminViewOfUser(TestRealm.ALICE);
        String plannerRecord = before.path("attributes").path(plannerRecordKey).path(0).asText();
        assertThat(plannerRecord).as("the old store wrote its record: %s", before).isNotBlank();
        assertThat(realm.actorboundAttributes(TestRealm.ALICE)).contains(CLIENTS_INDEX).hasSize(4);
        assertThat(realm.admin().get(realm.consentsPath()).status()).as("no table to export from yet").isEqualTo(409);

        server.restart(arguments);

        assertThat(realm.actorboundAttributes(TestRealm.ALICE)).as("records and index removed").isEmpty();
        assertThat(realm.storedConsents(TestRealm.ALICE)).containsExactlyInAnyOrder(
                TestRealm.consent(TestClients.APP, TestClients.PLANNER), TestRealm.consent(TestClients.BACKEND, TestClients.PLANNER),
                TestRealm.consent(TestClients.BACKEND, TestClients.BOOKING));
        JsonNode oldPayload = Admin.JSON.readTree(Base64.getUrlDecoder().decode(plannerRecord.split("\\.")[1]));
        JsonNode moved = exported(realm, TestClients.APP, TestClients.PLANNER);
        assertThat(moved.path("grantedAt").asLong()).isEqualTo(oldPayload.path("granted_at").asLong());
        assertThat(moved.path("scopes")).isEqualTo(oldPayload.path("scopes"));
        assertThat(realm.isActive(issued.accessToken())).as("a token issued under the old store").isTrue();
        assertRemembered(realm, flow);
        long bookingGrantedAt = exported(realm, TestClients.BACKEND, TestClients.BOOKING).path("grantedAt").asLong();

        // An admin saves the old record again after alice revoked it; the agent still serves the other app.
        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.PLANNER);
        ObjectNode alice = realm.adminViewOfUser(TestRealm.ALICE);
        alice.with("attributes").putArray(plannerRecordKey).add(plannerRecord);
        alice.with("attributes").set(CLIENTS_INDEX, before.path("attributes").path(CLIENTS_INDEX));
        assertThat(realm.admin().put("/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE), alice).ok()).isTrue();
        assertThat(realm.actorboundAttributes(TestRealm.ALICE)).contains(plannerRecordKey, CLIENTS_INDEX);

        server.restart(arguments);

        assertThat(realm.actorboundAttributes(TestRealm.ALICE)).as("the written-back record is dropped").isEmpty();
        assertThat(realm.storedConsents(TestRealm.ALICE)).containsExactlyInAnyOrder(
                TestRealm.consent(TestClients.BACKEND, TestClients.PLANNER), TestRealm.consent(TestClients.BACKEND, TestClients.BOOKING));
        assertThat(exported(realm, TestClients.BACKEND, TestClients.BOOKING).path("grantedAt").asLong())
                .as("moved once, kept as it was").isEqualTo(bookingGrantedAt);
        assertThat(flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER), null).isConsentPage())
                .as("the revoked consent stays revoked").isTrue();
        realm.close();
    }

    /** The moved consent skips the page and yields a delegated token. */
    private static void assertRemembered(TestRealm realm, Delegations flow) throws Exception {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome again = flow.authorize(pkce, Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(again.isConsentPage()).as("the moved consent skips the page: %s", again).isFalse();
        OAuth.TokenResponse redeemed = flow.redeem(new Delegations.Code(again.code(), pkce), flow.actorToken(TestClients.PLANNER));
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(redeemed.accessToken(), realm);
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", TestClients.PLANNER);
    }

    private static JsonNode exported(TestRealm realm, String app, String agent) {
        for (JsonNode entry : realm.exportedConsents()) {
            if (TestRealm.ALICE.equals(entry.path("username").asText()) && app.equals(entry.path("app").asText())
                    && agent.equals(entry.path("agent").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no exported consent of alice for " + app + " > " + agent + ": " + realm.exportedConsents());
    }
}
