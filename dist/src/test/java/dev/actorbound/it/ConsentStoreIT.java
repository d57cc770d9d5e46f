package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consent store as the runtime relies on it: a consent is a row of its own table, found again at the next login,
 * gone at once when revoked, and independent of the user's attributes (a full user update keeps it, an attribute
 * written by hand is not one). Deleting a user or a realm leaves no row behind: on the PostgreSQL pass the table itself
 * is read. The admin export and import carry consents to another realm, and only for admins with the right roles.
 */
@WithRealms
class ConsentStoreIT {

    private static final String REVOKED = "the user's consent to this agent was revoked";

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
    }

    @Test
    void aConsentIsARowOfItsOwnAndNoUserAttribute() {
        long before = System.currentTimeMillis() / 1000;
        OAuth.TokenResponse issued = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);

        JsonNode row = exported(realm, TestRealm.ALICE, TestClients.APP, TestClients.PLANNER);
        assertThat(row).as("exported: %s", realm.exportedConsents()).isNotNull();
        assertThat(texts(row.path("scopes"))).contains("openid");
        assertThat(row.path("grantedAt").asLong()).isBetween(before, System.currentTimeMillis() / 1000);
        assertThat(realm.actorboundAttributes(TestRealm.ALICE)).as("nothing of it in the user").isEmpty();
        if (PostgresDatabase.available()) {
            assertThat(PostgresDatabase.consentRows(null, "USER_ID", realm.userId(TestRealm.ALICE))).isPositive();
        }
    }

    @Test
    void consentRevokedBetweenConsentAndRedemptionIsRefused() {
        Delegations.Code code = flow.delegatedCode(TestClients.BOOKING);

        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.BOOKING);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.BOOKING)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.BOOKING);
        assertThat(realm.storedConsents(TestRealm.ALICE)).doesNotContain(TestRealm.consent(TestClients.APP, TestClients.BOOKING));
    }

    @Test
    void aFullUserUpdateWithoutAttributesKeepsTheConsent() throws Exception {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        ObjectNode alice = realm.adminViewOfUser(TestRealm.ALICE);
        alice.putObject("attributes");

        assertThat(realm.admin().put(userPath(TestRealm.ALICE), alice).ok()).isTrue();

        OAuth.TokenResponse redeemed = flow.redeem(code, flow.actorToken(TestClients.PLANNER));
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        assertThat(Jwt.verify(redeemed.accessToken(), realm).getJSONObjectClaim("act"))
                .containsEntry("client_id", TestClients.PLANNER);
    }

    @Test
    void handWrittenConsentIsNotAConsent() {
        String app = realm.admin().clientUuid(realm.name(), TestClients.APP);
        String agent = realm.admin().clientUuid(realm.name(), TestClients.BOOKING);
        ObjectNode bob = realm.adminViewOfUser(TestRealm.BOB);
        bob.with("attributes").putArray("actorbound.consent." + app + "." + agent).add("granted");
        bob.with("attributes").putArray("actorbound.delegation-clients").add(app).add(agent);
        assertThat(realm.admin().put(userPath(TestRealm.BOB), bob).ok()).isTrue();

        HttpLogin session = new HttpLogin(TestRealm.REDIRECT_URI);
        assertThat(session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(), Map.of()), TestRealm.BOB,
                TestRealm.BOB_PASSWORD, null).code()).isNotBlank();
        HttpLogin.Outcome outcome = session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(),
                Map.of("requested_actor", TestClients.BOOKING, "prompt", "none")), TestRealm.BOB, TestRealm.BOB_PASSWORD, null);

        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "consent_required")
                .doesNotContainKey("code");
    }

    @Test
    void deletingAUserDeletesTheirConsents() {
        String carol = realm.createUser("carol", "reader");
        consent(realm, "carol", TestClients.APP, TestClients.PLANNER);
        assertThat(realm.storedConsents("carol")).contains(TestRealm.consent(TestClients.APP, TestClients.PLANNER));

        realm.admin().delete("/realms/" + realm.name() + "/users/" + carol, null).expectOk("delete carol");

        assertThat(realm.storedConsents("carol")).isEmpty();
        if (PostgresDatabase.available()) {
            assertThat(PostgresDatabase.consentRows(null, "USER_ID", carol)).as("rows of the deleted user").isZero();
        }
    }

    @Test
    void deletingARealmDeletesItsConsents(TestRealm other) {
        String realmId = other.id();
        consent(other, TestRealm.ALICE, TestClients.APP, TestClients.PLANNER);
        assertThat(other.storedConsents(TestRealm.ALICE)).isNotEmpty();

        Admin.Response deleted = other.admin().delete("/realms/" + other.name(), null);

        assertThat(deleted.status()).as("the table's rows do not hold the realm back: %s", deleted).isEqualTo(204);
        if (PostgresDatabase.available()) {
            assertThat(PostgresDatabase.consentRows(null, "REALM_ID", realmId)).as("rows of the deleted realm").isZero();
        }
    }

    @Test
    void exportAndImportCarryConsentsToAnotherRealm(TestRealm copy) throws Exception {
        consent(realm, TestRealm.ALICE, TestClients.APP, TestClients.PLANNER);
        consent(realm, TestRealm.ALICE, TestClients.BACKEND, TestClients.BOOKING);
        JsonNode exported = realm.exportedConsents();

        Admin.Response imported = copy.admin().post(copy.consentsPath(), exported);

        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        assertThat(imported.body().path("imported").asInt()).isEqualTo(exported.size());
        assertThat(asSet(copy.exportedConsents())).isEqualTo(asSet(exported));
        Delegations copyFlow = new Delegations(copy);
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome again = copyFlow.authorize(pkce, Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(again.isConsentPage()).as("the imported consent skips the page: %s", again).isFalse();
        OAuth.TokenResponse redeemed = copyFlow.redeem(new Delegations.Code(again.code(), pkce),
                copyFlow.actorToken(TestClients.PLANNER));
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(redeemed.accessToken(), copy);
        assertThat(claims.getSubject()).isEqualTo(copy.userId(TestRealm.ALICE));
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", TestClients.PLANNER)
                .containsEntry("sub", copy.agentServiceAccountId(TestClients.PLANNER));
    }

    @Test
    void anImportNamingWhatTheRealmDoesNotHaveImportsNothing(TestRealm copy) {
        for (String agent : List.of("no-such-agent", TestClients.NOT_AN_AGENT)) {
            ArrayNode entries = Admin.JSON.createArrayNode();
            entries.add(entry(TestRealm.ALICE, TestClients.APP, TestClients.PLANNER));
            entries.add(entry(TestRealm.ALICE, TestClients.APP, agent));

            Admin.Response refused = copy.admin().post(copy.consentsPath(), entries);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.body().path("errorMessage").asText()).isEqualTo("Entry 1: no agent " + agent + " in this realm.");
            assertThat(copy.exportedConsents()).as("all or nothing").isEmpty();
        }
    }

    /** PostgreSQL can neither store nor look up text holding NUL: a 400 for the entry, never a 500. */
    @Test
    void anImportWithANulCharacterInANameOrScopeImportsNothing(TestRealm copy) {
        String nul = "\u0000";
        List<ObjectNode> entries = List.of(entry(TestRealm.ALICE + nul, TestClients.APP, TestClients.PLANNER),
                entry(TestRealm.ALICE, TestClients.APP + nul, TestClients.PLANNER),
                entry(TestRealm.ALICE, TestClients.APP, TestClients.PLANNER + nul),
                entry(TestRealm.ALICE, TestClients.APP, TestClients.PLANNER));
        ((ArrayNode) entries.get(3).path("scopes")).add("email" + nul);
        for (ObjectNode entry : entries) {
            ArrayNode body = Admin.JSON.createArrayNode();
            body.add(entry(TestRealm.ALICE, TestClients.APP, TestClients.PLANNER));
            body.add(entry);

            Admin.Response refused = copy.admin().post(copy.consentsPath(), body);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.body().path("errorMessage").asText())
                    .isEqualTo("Entry 1: a name or scope contains a NUL character (U+0000), which cannot be saved.");
        }
        assertThat(copy.exportedConsents()).as("all or nothing").isEmpty();
    }

    @Test
    void exportNeedsTheRightToViewUsersAndImportToManageTheRealmAndItsUsers() {
        Admin viewer = realm.createAdmin("consent-viewer", "view-users");
        Admin userManager = realm.createAdmin("consent-user-manager", "manage-users");
        Admin nobody = realm.createAdmin("consent-nobody");
        ArrayNode none = Admin.JSON.createArrayNode();

        assertThat(nobody.get(realm.consentsPath()).status()).isEqualTo(403);
        assertThat(viewer.get(realm.consentsPath()).status()).isEqualTo(200);
        assertThat(viewer.post(realm.consentsPath(), none).status()).isEqualTo(403);
        assertThat(userManager.post(realm.consentsPath(), none).status()).as("manage-users alone").isEqualTo(403);
        assertThat(realm.admin().post(realm.consentsPath(), none).status()).isEqualTo(200);
    }

    // ---- helpers ----

    private static String userPath(String username) {
        return "/realms/" + realm.name() + "/users/" + realm.userId(username);
    }

    /** {@code username} consents to {@code agent} through {@code app} on the consent page. */
    private static void consent(TestRealm in, String username, String app, String agent) {
        String url = in.oauth().authorizeUrl(in.name(), app, TestRealm.REDIRECT_URI, "openid", Delegations.STATE,
                OAuth.Pkce.s256(), Map.of("requested_actor", agent, "prompt", "consent"));
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, username, username + "-password", "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
    }

    private static JsonNode exported(TestRealm in, String username, String app, String agent) {
        for (JsonNode entry : in.exportedConsents()) {
            if (username.equals(entry.path("username").asText()) && app.equals(entry.path("app").asText())
                    && agent.equals(entry.path("agent").asText())) {
                return entry;
            }
        }
        return null;
    }

    private static ObjectNode entry(String username, String app, String agent) {
        ObjectNode entry = Admin.JSON.createObjectNode().put("username", username).put("app", app).put("agent", agent)
                .put("grantedAt", 1_700_000_000L);
        entry.putArray("scopes").add("openid");
        return entry;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new HashSet<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static Set<JsonNode> asSet(JsonNode array) {
        Set<JsonNode> set = new HashSet<>();
        array.forEach(set::add);
        return set;
    }
}
