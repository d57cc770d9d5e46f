package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue "consent users understand and control": a consent is remembered per (user, app, agent), shows up in
 * Keycloak's own screens (account console Applications, admin Users → Consents), is revoked there for every app at
 * once, takes effect at once (introspection, next login), and is cleaned up when an app or agent is deleted.
 */
@WithRealms
class ConsentLifecycleIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
    }

    private static String delegatedToken(String agent) {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(agent), flow.actorToken(agent));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.accessToken();
    }


    /** alice's own token for the account REST API (the app's default scopes carry the account roles). */
    private static String aliceAccountToken() {
        OAuth.TokenResponse response = flow.redeem(flow.plainCode(), null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.accessToken();
    }

    private static HttpResponse<String> account(String method, String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(realm.server().baseUrl() + "/realms/" + realm.name() + "/account" + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode accountApplication(String token, String clientId) throws Exception {
        HttpResponse<String> response = account("GET", "/applications", token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode app : JSON.readTree(response.body())) {
            if (clientId.equals(app.path("clientId").asText())) {
                return app;
            }
        }
        return null;
    }

    private static boolean consentPageShownFor(String agent) {
        HttpLogin.Outcome outcome = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", agent), null);
        return outcome.isConsentPage();
    }

    @Test
    void agentShowsInTheAccountConsoleAndRemoveAccessRevokesItForEveryApp() throws Exception {
        String delegated = delegatedToken(TestClients.PLANNER);
        String accountToken = aliceAccountToken();
        JsonNode listed = accountApplication(accountToken, TestClients.PLANNER);
        assertThat(listed).as("the agent is listed among alice's applications").isNotNull();
        assertThat(listed.path("clientName").asText()).isEqualTo("Trip Planner");
        assertThat(listed.has("consent")).as("with a consent to remove: %s", listed).isTrue();
        assertThat(realm.isActive(delegated)).isTrue();

        HttpResponse<String> removed = account("DELETE", "/applications/" + TestClients.PLANNER + "/consent", accountToken);

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
        assertThat(realm.isActive(delegated)).as("a token issued under the revoked consent").isFalse();
        assertThat(realm.storedConsents(TestRealm.ALICE)).as("the rows are cleaned")
                .doesNotContain(TestRealm.consent(TestClients.APP, TestClients.PLANNER));
        assertThat(accountApplication(accountToken, TestClients.PLANNER)).as("no longer listed").isNull();
        assertThat(consentPageShownFor(TestClients.PLANNER)).as("the next login asks again").isTrue();
        ObjectNode event = realm.admin().events(realm.name(), "REVOKE_GRANT").get(0);
        assertThat(event.path("details").path("revoked_client").asText()).isEqualTo(TestClients.PLANNER);
    }

    @Test
    void adminRevokeUnderUsersConsentsCascades() {
        String delegated = delegatedToken(TestClients.BOOKING);
        String consentsPath = "/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE) + "/consents";
        JsonNode consents = realm.admin().get(consentsPath).body();
        assertThat(consents.findValuesAsText("clientId")).as("Users → Consents lists the agent").contains(TestClients.BOOKING);

        Admin.Response revoked = realm.admin().delete(consentsPath + "/" + TestClients.BOOKING, null);

        assertThat(revoked.status()).isEqualTo(204);
        assertThat(realm.isActive(delegated)).isFalse();
        assertThat(realm.storedConsents(TestRealm.ALICE)).doesNotContain(TestRealm.consent(TestClients.APP, TestClients.BOOKING));
        assertThat(consentPageShownFor(TestClients.BOOKING)).isTrue();
    }

    @Test
    void consentRevokedForOneAppIsNotResurrectedByTheMirrorTheOtherAppKeeps() throws Exception {
        String url = realm.oauth().authorizeUrl(realm.name(), TestClients.BACKEND, TestRealm.REDIRECT_URI, "openid",
                Delegations.STATE, OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER, "prompt", "consent"));
        assertThat(new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD,
                "accept").code()).isNotBlank();
        String delegated = delegatedToken(TestClients.PLANNER);

        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.PLANNER);

        assertThat(accountApplication(aliceAccountToken(), TestClients.PLANNER)).as("the mirror stays for the other app")
                .isNotNull();
        assertThat(realm.isActive(delegated)).isFalse();
        assertThat(consentPageShownFor(TestClients.PLANNER)).isTrue();
        assertThat(realm.storedConsents(TestRealm.ALICE)).contains(TestRealm.consent(TestClients.BACKEND, TestClients.PLANNER))
                .doesNotContain(TestRealm.consent(TestClients.APP, TestClients.PLANNER));
    }

    /**
     * A server remembers what counted under the agent's mirror stamp instead of reading the table on every request:
     * each change to one app's consent must therefore be seen at once although the server had just checked the other
     * app's consent to the same agent (the same remembered entry).
     */
    @Test
    void consentsOfTwoAppsToOneAgentChangeAtOnceThoughTheServerHadJustCheckedThem() {
        // the backend asks about its own tokens: they carry no resource server in their audience
        realm.admin().updateClient(realm.name(), TestClients.BACKEND, c -> c.with("attributes")
                .put("allow.token.introspection.without.audience.check", "true"));
        String viaApp = delegatedToken(TestClients.PLANNER);
        assertThat(realm.isActive(viaApp)).as("the app's consent, just checked").isTrue();

        OAuth.TokenResponse backend = flow.redeemAtBackend(flow.delegatedBackendCode(TestClients.PLANNER, "openid"),
                flow.actorToken(TestClients.PLANNER));
        assertThat(backend.status()).as("the backend's consent, given after that check: %s", backend).isEqualTo(200);
        String viaBackend = backend.accessToken();
        assertThat(activeAtBackend(viaBackend)).isTrue();
        assertThat(realm.isActive(viaApp)).as("the app's consent still counts").isTrue();

        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.PLANNER);

        assertThat(realm.isActive(viaApp)).as("the app's consent, revoked").isFalse();
        assertThat(activeAtBackend(viaBackend)).as("the backend's consent, kept").isTrue();
        assertThat(realm.storedConsents(TestRealm.ALICE)).contains(TestRealm.consent(TestClients.BACKEND, TestClients.PLANNER))
                .doesNotContain(TestRealm.consent(TestClients.APP, TestClients.PLANNER));
    }

    private static boolean activeAtBackend(String token) {
        return realm.oauth().introspect(realm.name(), token, TestClients.BACKEND, TestClients.BACKEND_SECRET)
                .path("active").asBoolean();
    }

    @Test
    void promptNoneWithACoveringConsentGivesABoundCodeWithoutAPage() {
        flow.delegatedCode(TestClients.PLANNER);
        HttpLogin session = new HttpLogin(TestRealm.REDIRECT_URI);
        assertThat(session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(), Map.of()), TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null).code()).isNotBlank();
        OAuth.Pkce pkce = OAuth.Pkce.s256();

        HttpLogin.Outcome outcome = session.authorize(flow.authorizeUrl(pkce,
                Map.of("requested_actor", TestClients.PLANNER, "prompt", "none")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(outcome.code(), pkce), flow.actorToken(TestClients.PLANNER));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    @Test
    void promptNoneWithARepeatedScopeIsAnsweredLikeTheSingleScope() {
        flow.delegatedCode(TestClients.PLANNER);
        HttpLogin session = new HttpLogin(TestRealm.REDIRECT_URI);
        assertThat(session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(), Map.of()), TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null).code()).isNotBlank();
        String url = realm.oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid openid",
                Delegations.STATE, OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER, "prompt", "none"));

        HttpLogin.Outcome outcome = session.authorize(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(outcome.status()).as(outcome.toString()).isLessThan(500);
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
    }

    @Test
    void keycloaksOwnConsentOnTheAppIsNotAskedAgain() {
        realm.admin().updateClient(realm.name(), TestClients.APP, c -> c.put("consentRequired", true));
        try {
            String url = flow.authorizeUrl(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER));
            HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.BOB, TestRealm.BOB_PASSWORD, "accept");

            assertThat(outcome.code()).as("one consent page, then the code: %s", outcome).isNotBlank();
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.APP, c -> c.put("consentRequired", false));
        }
    }

    @Test
    void deletingAnAgentOrAnAppDeletesTheConsentsThatNameThem() {
        String tempApp = "temp-app";
        realm.admin().createClient(realm.name(), Map.of("clientId", tempApp, "publicClient", true,
                "redirectUris", List.of(TestRealm.REDIRECT_URI)));
        realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.with("attributes")
                .put(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP + "," + tempApp));
        String viaTempApp = realm.oauth().authorizeUrl(realm.name(), tempApp, TestRealm.REDIRECT_URI, "openid",
                Delegations.STATE, OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.BOOKING, "prompt", "consent"));
        assertThat(new HttpLogin(TestRealm.REDIRECT_URI).authorize(viaTempApp, TestRealm.ALICE, TestRealm.ALICE_PASSWORD,
                "accept").code()).isNotBlank();
        String tempKey = TestRealm.consent(tempApp, TestClients.BOOKING);
        assertThat(realm.storedConsents(TestRealm.ALICE)).contains(tempKey);

        String tempAppUuid = realm.admin().clientUuid(realm.name(), tempApp);
        realm.admin().delete("/realms/" + realm.name() + "/clients/" + tempAppUuid, null).expectOk("delete app");
        assertThat(realm.storedConsents(TestRealm.ALICE)).as("app deleted").doesNotContain(tempKey);
        if (PostgresDatabase.available()) {
            assertThat(PostgresDatabase.consentRows(null, "APP_ID", tempAppUuid)).as("rows of the deleted app").isZero();
        }
        realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.with("attributes")
                .put(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP + "," + TestClients.BACKEND));

        String tempAgent = "temp-agent";
        realm.addAgent(tempAgent, "temp-secret", tempAgent, null);
        assertThat(flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", tempAgent, "prompt", "consent"), "accept")
                .code()).isNotBlank();
        String agentKey = TestRealm.consent(TestClients.APP, tempAgent);
        assertThat(realm.storedConsents(TestRealm.ALICE)).contains(agentKey);

        String tempAgentUuid = realm.admin().clientUuid(realm.name(), tempAgent);
        realm.admin().delete("/realms/" + realm.name() + "/clients/" + tempAgentUuid, null).expectOk("delete agent");
        assertThat(realm.storedConsents(TestRealm.ALICE)).as("agent deleted").doesNotContain(agentKey);
        if (PostgresDatabase.available()) {
            assertThat(PostgresDatabase.consentRows(null, "AGENT_ID", tempAgentUuid)).as("rows of the deleted agent").isZero();
        }
    }
}
