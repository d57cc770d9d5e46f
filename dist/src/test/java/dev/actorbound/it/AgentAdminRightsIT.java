package dev.actorbound.it;

import static dev.actorbound.it.AgentsPage.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may configure and create agents. Changing an agent through the Agents page needs exactly the right that
 * editing the agent client through admin REST needs ({@code manage-clients}, or a fine-grained permission to manage
 * that one client), although Keycloak lets any {@code manage-realm} admin write page components. And mapping the
 * {@code ai-agent} role, which {@code manage-users} admins may do, does not make a client an agent on its own.
 */
@WithRealms
class AgentAdminRightsIT {

    private static final Map<String, String> TEST_REALM_DEFAULTS =
            Map.of(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP + "," + TestClients.BACKEND);
    private static final String FORBIDDEN_PLANNER = forbidden(TestClients.PLANNER);

    private static TestRealm realm;
    private static AgentsPage page;
    private static Delegations flow;
    /** manage-realm and view-clients: may write page components and see clients, not edit them. */
    private static Admin realmAdmin;
    /** manage-realm and manage-clients. */
    private static Admin clientAdmin;
    /** manage-realm and a fine-grained permission to view and manage planner-agent only. */
    private static Admin plannerAdmin;
    /** manage-users only: may map realm roles to users, service accounts included. */
    private static Admin userAdmin;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        page = new AgentsPage(realm);
        flow = new Delegations(realm);
        realmAdmin = realm.createAdmin("realm-admin", "manage-realm", "view-clients");
        clientAdmin = realm.createAdmin("client-admin", "manage-realm", "manage-clients");
        plannerAdmin = realm.createAdmin("planner-admin", "manage-realm");
        userAdmin = realm.createAdmin("user-admin", "manage-users");
        FineGrainedPermissions.enable(realm).allowToManageClient(realm.userId("planner-admin"), TestClients.PLANNER);
    }

    @AfterEach
    void restoreAgents() {
        page.clear();
        for (String agent : List.of(TestClients.PLANNER, TestClients.BOOKING)) {
            realm.admin().updateClient(realm.name(), agent, c -> {
                ObjectNode attributes = c.with("attributes");
                List.of(AgentAttributes.DELEGATES, AgentAttributes.MAX_CHAIN_DEPTH, AgentAttributes.REFRESH_ALLOWED,
                        "access.token.lifespan").forEach(attributes::remove);
                TEST_REALM_DEFAULTS.forEach(attributes::put);
            });
        }
    }

    /** What the Agents page answers an admin who may not edit the agent client. */
    private static String forbidden(String agent) {
        return "You may not change the settings of the agent \"" + agent + "\": that needs the right to edit this client "
                + "(the role manage-clients, or a permission to manage this client).";
    }

    @Test
    void realmAdminMayNotEditTheAgentClientThroughAdminRest() {
        assertThat(saveClientAs(realmAdmin, TestClients.PLANNER)).isEqualTo(403);
    }

    @Test
    void realmAdminMayNotCreateAnEntry() {
        Admin.Response refused = page.as(realmAdmin).create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND,
                "refreshAllowed", "true"));

        assertRefused(refused, FORBIDDEN_PLANNER);
        assertThat(page.entries()).isEmpty();
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(TEST_REALM_DEFAULTS);
        assertThat(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)).code()).as("the app is still accepted")
                .isNotBlank();
    }

    @Test
    void realmAdminMayNotUpdateAnEntryNorMoveItToAnotherAgent() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.APP + "|" + TestClients.BACKEND)).createdId();
        Map<String, String> saved = page.agentAttributes(TestClients.PLANNER);

        Admin.Response updated = page.as(realmAdmin).update(id, entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND));
        Admin.Response moved = page.as(realmAdmin).update(id, entry(TestClients.BOOKING, "allowedClients", TestClients.BACKEND));

        assertRefused(updated, FORBIDDEN_PLANNER);
        assertRefused(moved, forbidden(TestClients.BOOKING));
        assertThat(page.entries()).singleElement().satisfies(entry -> assertThat(entry.path("config").path("agent").path(0)
                .asText()).isEqualTo(TestClients.PLANNER));
        assertThat(page.agentAttributes(TestClients.BOOKING)).containsExactlyInAnyOrderEntriesOf(TEST_REALM_DEFAULTS);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(saved);
        assertThat(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)).code()).isNotBlank();
    }

    @Test
    void realmAdminMayNotDeleteAnEntry() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND)).createdId();

        assertRefused(page.as(realmAdmin).delete(id), FORBIDDEN_PLANNER);

        assertThat(page.entries()).hasSize(1);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsEntry(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND);
        flow.assertAuthorizationRefused(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)),
                "unauthorized_client", AgentsPage.NOT_ACCEPTED);
    }

    @Test
    void clientAdminMayCreateUpdateAndDeleteEntries() {
        AgentsPage asClientAdmin = page.as(clientAdmin);

        Admin.Response created = asClientAdmin.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsEntry(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND);

        Admin.Response moved = asClientAdmin.update(created.createdId(), entry(TestClients.BOOKING, "allowedClients", TestClients.APP));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(204);
        assertThat(page.agentAttributes(TestClients.PLANNER)).isEmpty();
        assertThat(page.agentAttributes(TestClients.BOOKING)).containsEntry(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP);

        assertThat(asClientAdmin.delete(created.createdId()).status()).isEqualTo(204);
        assertThat(page.entries()).isEmpty();
        assertThat(page.agentAttributes(TestClients.BOOKING)).isEmpty();
    }

    /** The page follows the same fine-grained permission (admin permissions v2) that admin REST follows. */
    @Test
    void adminAllowedToManageOneClientMayOnlyChangeThatAgent() {
        assertThat(saveClientAs(plannerAdmin, TestClients.PLANNER)).as("admin REST: planner-agent").isEqualTo(204);
        assertThat(saveClientAs(plannerAdmin, TestClients.BOOKING)).as("admin REST: booking-agent").isEqualTo(403);
        AgentsPage asPlannerAdmin = page.as(plannerAdmin);

        Admin.Response own = asPlannerAdmin.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND));
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsEntry(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND);

        Admin.Response other = asPlannerAdmin.create(entry(TestClients.BOOKING, "allowedClients", TestClients.BACKEND));
        Admin.Response moved = asPlannerAdmin.update(own.createdId(), entry(TestClients.BOOKING, "allowedClients", TestClients.BACKEND));

        assertRefused(other, forbidden(TestClients.BOOKING));
        assertRefused(moved, forbidden(TestClients.BOOKING));
        assertThat(page.agentAttributes(TestClients.BOOKING)).containsExactlyInAnyOrderEntriesOf(TEST_REALM_DEFAULTS);
        assertThat(asPlannerAdmin.delete(own.createdId()).status()).isEqualTo(204);
        assertThat(page.agentAttributes(TestClients.PLANNER)).isEmpty();
    }

    /**
     * A manage-users admin may map {@code ai-agent} to any service account (Keycloak allows it), but that alone does
     * not make the client an agent: an admin who may edit the client has to mark it too. The client is otherwise
     * set up as an agent (Full scope allowed off), so the role is all that is missing.
     */
    @Test
    void userAdminAloneCannotTurnAClientIntoAnAgent() {
        String serviceAccount = realm.agentServiceAccountId(TestClients.NOT_AN_AGENT);
        realm.admin().updateClient(realm.name(), TestClients.NOT_AN_AGENT, c -> c.put("fullScopeAllowed", false));
        try {
            assertThat(userAdmin.post("/realms/" + realm.name() + "/users/" + serviceAccount + "/role-mappings/realm",
                    List.of(realm.admin().get("/realms/" + realm.name() + "/roles/" + TestRealm.AGENT_ROLE).body()))
                    .status()).as("Keycloak lets manage-users map the role").isEqualTo(204);
            realm.admin().clearEvents(realm.name());

            ObjectNode event = flow.assertAuthorizationRefused(
                    flow.authorize(Map.of("requested_actor", TestClients.NOT_AN_AGENT)), "invalid_request", "unknown agent");
            assertThat(event.path("error").asText()).isEqualTo("invalid_request");
            assertThat(event.path("details").path("reason").asText()).isEqualTo("unknown agent");

            assertThat(page.as(clientAdmin).create(entry(TestClients.NOT_AN_AGENT)).status()).isEqualTo(201);
            assertThat(page.isMarkedAsAgent(TestClients.NOT_AN_AGENT)).isTrue();
            assertThat(flow.authorize(Map.of("requested_actor", TestClients.NOT_AN_AGENT)).code())
                    .as("role and marker together make an agent").isNotBlank();
        } finally {
            page.clear();
            realm.admin().updateClient(realm.name(), TestClients.NOT_AN_AGENT, c -> {
                c.put("fullScopeAllowed", true);
                c.with("attributes").remove(TestRealm.AGENT_MARKER);
            });
            realm.admin().removeRealmRolesFromUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        }
    }

    /** What admin REST answers {@code admin} saving the client unchanged: the right the Agents page must mirror. */
    private static int saveClientAs(Admin admin, String clientId) {
        String path = "/realms/" + realm.name() + "/clients/" + realm.admin().clientUuid(realm.name(), clientId);
        return admin.put(path, realm.admin().get(path).expectOk("read " + clientId).body()).status();
    }

    private static void assertRefused(Admin.Response response, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.body().path("errorMessage").asText()).isEqualTo(message);
    }
}
