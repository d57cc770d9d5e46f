package dev.actorbound.it;

import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keycloak's own APIs never accept a delegated token, whatever roles the agent was mapped to: the Account REST API
 * (read and write, before and after revocation) and the Admin REST API answer 403 with a description and an event,
 * and the token itself never carries an account or realm-management role.
 *
 * <p>Realm: alice also holds {@code realm-management:view-users}; planner-agent is mapped to it and to the account
 * client's {@code view-profile} and {@code manage-account}, as an admin might do by mistake.
 */
@WithRealms
class DelegatedApiAccessIT {

    static final String ADMIN_REFUSED = "a delegated token (one with act) cannot be used with the Admin API";
    static final String REGISTRATION_REFUSED =
            "a delegated token (one with act) cannot be used with the client registration API";
    static final String ACCOUNT_REFUSED = "a delegated token (one with act) cannot be used with the Account API";

    private static TestRealm realm;
    private static Exchanges ex;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        ex = Exchanges.setUp(realm);
        Admin admin = realm.admin();
        admin.addClientRolesToUser(realm.name(), realm.userId(TestRealm.ALICE), "realm-management", "view-users");
        String planner = "/realms/" + realm.name() + "/clients/" + admin.clientUuid(realm.name(), PLANNER) + "/scope-mappings/clients/";
        admin.post(planner + admin.clientUuid(realm.name(), "realm-management"),
                List.of(clientRole(admin, "realm-management", "view-users"))).expectOk("map view-users to planner");
        admin.post(planner + admin.clientUuid(realm.name(), "account"),
                List.of(clientRole(admin, "account", "view-profile"), clientRole(admin, "account", "manage-account")))
                .expectOk("map account roles to planner");
    }

    @Test
    void aDelegatedTokenNeverCarriesAdminOrAccountRoles() throws Exception {
        JWTClaimsSet claims = Jwt.verify(ex.codeFlowToken(PLANNER), realm);

        assertThat(Exchanges.allRoles(claims)).containsExactly("reader");
        assertThat(claims.getAudience()).doesNotContain("realm-management", "account");
    }

    @Test
    void theAdminApiRefusesADelegatedToken() {
        String delegated = ex.codeFlowToken(PLANNER);
        String plain = ex.plainToken();
        assertThat(get("/admin/realms/" + realm.name() + "/users", plain).statusCode())
                .as("alice's own token may list users (the set-up is real)").isEqualTo(200);

        int before = realm.admin().events(realm.name(), "VALIDATE_ACCESS_TOKEN_ERROR").size();

        HttpResponse<String> response = get("/admin/realms/" + realm.name() + "/users", delegated);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).doesNotContain(TestRealm.BOB);
        JsonNode body = Admin.read(response.body());
        assertThat(body.path("error").asText()).isEqualTo("access_denied");
        assertThat(body.path("error_description").asText()).isEqualTo(ADMIN_REFUSED);
        List<ObjectNode> events = realm.admin().events(realm.name(), "VALIDATE_ACCESS_TOKEN_ERROR");
        assertThat(events).hasSize(before + 1);
        assertThat(events.get(0).path("details").path("reason").asText()).isEqualTo(ADMIN_REFUSED);
        assertThat(events.get(0).path("details").path("actor").asText()).isEqualTo(PLANNER);
        assertThat(events.get(0).path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
    }

    @Test
    void theAccountApiRefusesADelegatedTokenForReadingAndWriting() {
        String delegated = ex.codeFlowToken(PLANNER);
        int before = realm.admin().events(realm.name(), "VALIDATE_ACCESS_TOKEN_ERROR").size();

        assertAccountRefused(get("/realms/" + realm.name() + "/account/", delegated));
        assertAccountRefused(get("/realms/" + realm.name() + "/account/credentials", delegated));
        assertAccountRefused(send(HttpRequest.newBuilder(uri("/realms/" + realm.name() + "/account/"))
                .header("Authorization", "Bearer " + delegated).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"firstName\":\"Mallory\"}"))));
        assertThat(realm.admin().get("/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE)).body()
                .path("firstName").asText()).isEqualTo("Alice");

        List<ObjectNode> events = realm.admin().events(realm.name(), "VALIDATE_ACCESS_TOKEN_ERROR");
        assertThat(events).hasSize(before + 3);
        assertThat(events.get(0).path("details").path("reason").asText()).isEqualTo(ACCOUNT_REFUSED);
        assertThat(events.get(0).path("details").path("actor").asText()).isEqualTo(PLANNER);
        assertThat(events.get(0).toString()).doesNotContain("eyJ");
    }

    @Test
    void theAccountApiStillRefusesAfterRevocationAndStillServesPlainTokens() {
        String plain = ex.plainToken();
        assertThat(get("/realms/" + realm.name() + "/account/", plain).statusCode()).isEqualTo(200);
        String delegated = ex.codeFlowToken(PLANNER);
        realm.revokeStoredConsents(TestRealm.ALICE);

        HttpResponse<String> response = get("/realms/" + realm.name() + "/account/", delegated);

        assertThat(response.statusCode()).isIn(401, 403);
        assertThat(response.body()).doesNotContain("alice@example.org");
    }

    @Test
    void introspectionShowsTheNarrowedRolesEvenForALightweightToken() throws Exception {
        ex.addAudienceMapper(TestClients.APP, TestClients.CALENDAR_API);
        realm.admin().updateClient(realm.name(), TestClients.APP,
                c -> c.with("attributes").put("client.use.lightweight.access.token.enabled", "true"));
        try {
            String delegated = ex.codeFlowToken(PLANNER);
            assertThat(Jwt.verify(delegated, realm).getClaim("realm_access")).as("a lightweight JWT names no roles").isNull();

            JsonNode answer = realm.oauth().introspect(realm.name(), delegated, TestClients.CALENDAR_API, TestClients.CALENDAR_API_SECRET);

            assertThat(answer.path("active").asBoolean()).as(answer.toString()).isTrue();
            assertThat(answer.path("act").path("client_id").asText()).isEqualTo(PLANNER);
            assertThat(answer.path("realm_access").path("roles")).as(answer.toString()).hasSize(1);
            assertThat(answer.path("realm_access").path("roles").get(0).asText()).isEqualTo("reader");
            assertThat(answer.path("resource_access").has("realm-management")).isFalse();
            assertThat(answer.path("resource_access").has("account")).isFalse();
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.APP,
                    c -> c.with("attributes").put("client.use.lightweight.access.token.enabled", "false"));
        }
    }

    @Test
    void userinfoShowsTheDelegationsRolesNotTheUsers() {
        realm.admin().post("/realms/" + realm.name() + "/clients/" + realm.admin().clientUuid(realm.name(), TestClients.APP)
                + "/protocol-mappers/models", Map.of("name", "roles-in-userinfo", "protocol", "openid-connect",
                "protocolMapper", "oidc-usermodel-realm-role-mapper", "config", Map.of("claim.name", "user_roles",
                        "multivalued", "true", "userinfo.token.claim", "true", "access.token.claim", "false",
                        "id.token.claim", "false", "jsonType.label", "String"))).expectOk("roles mapper for userinfo");
        assertThat(texts(realm.oauth().userInfo(realm.name(), ex.plainToken()).body().path("user_roles")))
                .as("the set-up shows alice's roles to her own token").contains("reader", "writer");

        OAuth.UserInfo userInfo = realm.oauth().userInfo(realm.name(), ex.codeFlowToken(PLANNER));

        assertThat(userInfo.status()).isEqualTo(200);
        assertThat(texts(userInfo.body().path("user_roles"))).containsExactly("reader");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new java.util.ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /**
     * Keycloak's client registration API resolves a lightweight token's roles itself, from the app's session: a
     * delegated lightweight token would register clients with the user's create-client right.
     */
    @Test
    void theClientRegistrationApiRefusesADelegatedTokenEvenALightweightOne() {
        realm.admin().addClientRolesToUser(realm.name(), realm.userId(TestRealm.ALICE), "realm-management", "create-client");
        realm.admin().updateClient(realm.name(), TestClients.APP,
                c -> c.with("attributes").put("client.use.lightweight.access.token.enabled", "true"));
        try {
            String delegated = ex.codeFlowToken(PLANNER);

            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/realms/" + realm.name()
                    + "/clients-registrations/default")).header("Authorization", "Bearer " + delegated)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"clientId\":\"rogue-client\"}")));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            JsonNode body = Admin.read(response.body());
            assertThat(body.path("error").asText()).isEqualTo("access_denied");
            assertThat(body.path("error_description").asText()).isEqualTo(REGISTRATION_REFUSED);
            assertThat(realm.admin().get("/realms/" + realm.name() + "/clients?clientId=rogue-client").body()).isEmpty();
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.APP,
                    c -> c.with("attributes").put("client.use.lightweight.access.token.enabled", "false"));
        }
    }

    private static void assertAccountRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        JsonNode body = Admin.read(response.body());
        assertThat(body.path("error").asText()).isEqualTo("access_denied");
        assertThat(body.path("error_description").asText()).isEqualTo(ACCOUNT_REFUSED);
        assertThat(response.body()).doesNotContain("alice@example.org");
    }

    private HttpResponse<String> get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return realm.oauth().send(request);
    }

    private static URI uri(String path) {
        return URI.create(realm.server().baseUrl() + path);
    }

    private static Object clientRole(Admin admin, String clientId, String role) {
        return admin.get("/realms/" + realm.name() + "/clients/" + admin.clientUuid(realm.name(), clientId) + "/roles/" + role)
                .expectOk("role " + role).body();
    }
}
