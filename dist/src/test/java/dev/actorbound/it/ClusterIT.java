package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Keycloak nodes in production mode ({@code kc.sh start}) on one PostgreSQL database, clustered the way Keycloak
 * clusters by default (embedded Infinispan, discovery through the database with the {@code jdbc-ping} stack), both on
 * loopback: a consent revoked on node 1 is refused at once on node 2, at code redemption, at token exchange and at
 * introspection, whether the user revoked it on "Agents that act for me" or an admin under Users → Consents.
 *
 * <p>PostgreSQL pass only (the H2 database lives inside one server). Both nodes share one issuer, node 1's URL, as
 * nodes behind one load balancer would; they run from a private copy of the distribution, built once.
 */
class ClusterIT {

    private static final String REVOKED = "the user's consent to this agent was revoked";
    private static final String NOT_CONSENTED = "the user has not consented to this agent for the subject token's client";

    private static String schema;
    private static final List<KeycloakProcess> nodes = new ArrayList<>();
    private static KeycloakServer node1;
    private static KeycloakServer node2;
    private static TestRealm realm;

    @BeforeAll
    static void startTwoNodes() {
        Assumptions.assumeTrue(PostgresDatabase.available(), "needs a database two servers share (-Dit.db=postgres)");
        Path home = KeycloakProcess.privateCopy("keycloak-cluster");
        KeycloakProcess.build(home, List.of("--db=postgres", "--health-enabled=true", "--features=declarative-ui"),
                home.resolveSibling("keycloak-cluster-build.log"));
        schema = PostgresDatabase.createSchema("cluster");
        int http1 = KeycloakProcess.freePort();
        node1 = start(home, 1, http1, http1);
        node2 = start(home, 2, KeycloakProcess.freePort(), http1);
        realm = TestRealm.create(node1);
        realm.addResourceServer();
    }

    /** A node of the cluster, serving {@code issuerPort}'s URL as its hostname, like every node behind one address. */
    private static KeycloakServer start(Path home, int number, int http, int issuerPort) {
        int management = KeycloakProcess.freePort();
        List<String> arguments = new ArrayList<>(List.of("start", "--optimized",
                "--hostname=http://localhost:" + issuerPort, "--http-enabled=true", "--http-host=127.0.0.1",
                "--http-port=" + http, "--http-management-port=" + management,
                "--cache=ispn", "--cache-stack=jdbc-ping", "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + KeycloakProcess.freePort()));
        arguments.addAll(PostgresDatabase.keycloakOptions(schema));
        KeycloakProcess process = KeycloakProcess.start(home, arguments, http, management,
                home.resolveSibling("keycloak-cluster-node" + number + ".log"));
        nodes.add(process);
        return KeycloakServer.of(process);
    }

    @AfterAll
    static void stop() {
        if (realm != null) {
            realm.close();
        }
        nodes.forEach(KeycloakProcess::close);
        if (schema != null) {
            PostgresDatabase.dropSchema(schema);
        }
    }

    @Test
    void theNodesFormOneCluster() throws IOException {
        assertThat(Files.readString(node2.logFile(), StandardCharsets.UTF_8))
                .as("node 2 joined node 1 (an Infinispan view of two members)").containsPattern("ISPN000094.*\\(2\\)");
    }

    @Test
    void consentRevokedOnMyAgentsPageOfNode1IsRefusedAtOnceOnNode2() {
        Delegations flow1 = new Delegations(realm);
        TestRealm onNode2 = realm.seenFrom(node2);
        Delegations flow2 = new Delegations(onNode2);
        Exchanges exchanges2 = new Exchanges(onNode2);
        String issued = redeemed(flow2, flow1.delegatedCode(TestClients.PLANNER), TestClients.PLANNER);
        assertThat(onNode2.isActive(issued)).as("node 2 honours the consent given on node 1").isTrue();
        Delegations.Code pending = flow1.delegatedCode(TestClients.PLANNER);
        String plain = new Exchanges(realm).plainToken();

        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.PLANNER);

        flow2.assertRefused(flow2.redeem(pending, flow2.actorToken(TestClients.PLANNER)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.PLANNER);
        assertThat(onNode2.isActive(issued)).as("introspection on node 2").isFalse();
        exchanges2.assertRefused(exchanges2.exchange(TestClients.PLANNER, plain), "invalid_grant", NOT_CONSENTED);
    }

    @Test
    void consentRevokedUnderUsersConsentsOfNode1IsRefusedAtOnceOnNode2() {
        Delegations flow1 = new Delegations(realm);
        TestRealm onNode2 = realm.seenFrom(node2);
        Delegations flow2 = new Delegations(onNode2);
        String issued = redeemed(flow2, flow1.delegatedCode(TestClients.BOOKING), TestClients.BOOKING);
        assertThat(onNode2.isActive(issued)).isTrue();
        Delegations.Code pending = flow1.delegatedCode(TestClients.BOOKING);

        realm.admin().delete("/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE) + "/consents/"
                + TestClients.BOOKING, null).expectOk("revoke under Users → Consents on node 1");

        flow2.assertRefused(flow2.redeem(pending, flow2.actorToken(TestClients.BOOKING)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.BOOKING);
        assertThat(onNode2.isActive(issued)).as("introspection on node 2").isFalse();
    }

    /**
     * Node 2 remembers what counted for (alice, agent) once it has checked it; revoking one app's consent on node 1
     * must end that app's tokens on node 2 at once and leave the other app's, checked under the same entry, alive.
     */
    @Test
    void oneAppsConsentRevokedOnNode1EndsOnlyThatAppsTokensOnNode2ThoughNode2HadJustCheckedBoth() {
        realm.addAgent(TestClients.PAYMENT, TestClients.PAYMENT_SECRET, "Payment Agent", null, "reader");
        realm.admin().updateClient(realm.name(), TestClients.BACKEND, c -> c.with("attributes")
                .put("allow.token.introspection.without.audience.check", "true"));
        Delegations flow1 = new Delegations(realm);
        TestRealm onNode2 = realm.seenFrom(node2);
        Delegations flow2 = new Delegations(onNode2);
        String viaApp = redeemed(flow2, flow1.delegatedCode(TestClients.PAYMENT), TestClients.PAYMENT);
        OAuth.TokenResponse backend = flow2.redeemAtBackend(flow1.delegatedBackendCode(TestClients.PAYMENT, "openid"),
                flow2.actorToken(TestClients.PAYMENT));
        assertThat(backend.status()).as(backend.toString()).isEqualTo(200);
        String viaBackend = backend.accessToken();
        assertThat(onNode2.isActive(viaApp)).as("node 2 checked the app's consent").isTrue();
        assertThat(activeAtBackend(onNode2, viaBackend)).as("node 2 checked the backend's consent").isTrue();

        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.PAYMENT);

        assertThat(onNode2.isActive(viaApp)).as("the app's consent, revoked on node 1").isFalse();
        assertThat(activeAtBackend(onNode2, viaBackend)).as("the backend's consent, kept").isTrue();
    }

    private static boolean activeAtBackend(TestRealm on, String token) {
        return on.oauth().introspect(on.name(), token, TestClients.BACKEND, TestClients.BACKEND_SECRET)
                .path("active").asBoolean();
    }

    /** Redeems on node 2 a code node 1 issued, and verifies the token independently. */
    private static String redeemed(Delegations flow2, Delegations.Code code, String agent) {
        OAuth.TokenResponse response = flow2.redeem(code, flow2.actorToken(agent));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        try {
            assertThat(Jwt.verify(response.accessToken(), realm).getJSONObjectClaim("act")).containsEntry("client_id", agent);
        } catch (java.text.ParseException e) {
            throw new AssertionError("act is not a JSON object", e);
        }
        return response.accessToken();
    }
}
