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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Agents page through admin REST ({@code /admin/realms/{realm}/components}), the calls the console makes: an
 * entry becomes the agent's client attributes, bad entries are refused with a message an admin can act on, deleting
 * an entry brings the defaults back, and the delegated flow follows whatever the page saved.
 */
@WithRealms
class AgentsPageAdminRestIT {

    private static final Map<String, String> TEST_REALM_DEFAULTS =
            Map.of(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP + "," + TestClients.BACKEND);

    private static TestRealm realm;
    private static AgentsPage page;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        page = new AgentsPage(realm);
        flow = new Delegations(realm);
    }

    /** Every test starts with an empty page and the agents as TestRealm built them. */
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

    @Test
    void savedEntryBecomesTheAgentsClientAttributes() {
        Admin.Response created = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND,
                "delegates", TestClients.BOOKING, "maxChainDepth", "2", "tokenLifespan", "120", "refreshAllowed", "true"));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(Map.of(
                AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND,
                AgentAttributes.DELEGATES, TestClients.BOOKING,
                AgentAttributes.MAX_CHAIN_DEPTH, "2",
                "access.token.lifespan", "120",
                AgentAttributes.REFRESH_ALLOWED, "true"));
        assertThat(page.agentAttributes(TestClients.BOOKING)).as("other agents untouched")
                .containsExactlyInAnyOrderEntriesOf(TEST_REALM_DEFAULTS);
    }

    @Test
    void updatedEntryRewritesTheAttributesAndEmptyFieldsRemoveThem() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND, "maxChainDepth", "2",
                "tokenLifespan", "120", "refreshAllowed", "true")).createdId();

        Admin.Response updated = page.update(id, entry(TestClients.PLANNER, "allowedClients", TestClients.APP + "|" + TestClients.BACKEND,
                "delegates", "", "maxChainDepth", "", "tokenLifespan", "240", "refreshAllowed", "false"));

        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(Map.of(
                AgentAttributes.ALLOWED_CLIENTS, TestClients.APP + "," + TestClients.BACKEND,
                "access.token.lifespan", "240",
                AgentAttributes.REFRESH_ALLOWED, "false"));
    }

    @Test
    void movingAnEntryToAnotherAgentClearsTheFirstAgent() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND, "maxChainDepth", "2")).createdId();

        // Keycloak's component PUT keeps config fields the request leaves out; the console always sends every field.
        assertThat(page.update(id, entry(TestClients.BOOKING, "allowedClients", TestClients.APP, "maxChainDepth", ""))
                .status()).isEqualTo(204);

        assertThat(page.agentAttributes(TestClients.PLANNER)).isEmpty();
        assertThat(page.agentAttributes(TestClients.BOOKING))
                .containsExactlyInAnyOrderEntriesOf(Map.of(AgentAttributes.ALLOWED_CLIENTS, TestClients.APP,
                        AgentAttributes.REFRESH_ALLOWED, "false"));
    }

    @Test
    void deletingTheEntryRemovesItsAttributesSoTheDefaultsApply() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND, "delegates", TestClients.BOOKING,
                "maxChainDepth", "2", "tokenLifespan", "120", "refreshAllowed", "true")).createdId();

        assertThat(page.delete(id).status()).isEqualTo(204);

        assertThat(page.agentAttributes(TestClients.PLANNER)).isEmpty();
        assertThat(page.isMarkedAsAgent(TestClients.PLANNER)).as("still an agent, with the defaults").isTrue();
        assertThat(realm.admin().pageComponents(realm.name(), AgentsPage.PROVIDER_ID)).isEmpty();
    }

    static List<Arguments> invalidEntries() {
        return List.of(
                Arguments.of(entry("ghost-agent"), "There is no client \"ghost-agent\" in this realm."),
                Arguments.of(entry(""), "Enter the client ID of the agent."),
                // PostgreSQL can neither store nor look up text holding NUL: a 400 that names the field, never a 500
                Arguments.of(entry("planner-agent\u0000"), "Agent contains a NUL character (U+0000), which cannot be saved."),
                Arguments.of(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND + "\u0000"),
                        "Apps allowed to request it contains a NUL character (U+0000), which cannot be saved."),
                Arguments.of(entry(TestClients.PLANNER, "delegates", TestClients.BOOKING + "\u0000"),
                        "Agents it may hand off to contains a NUL character (U+0000), which cannot be saved."),
                Arguments.of(entry(TestClients.PLANNER, "note\u0000", "x"), "note\u0000 contains a NUL character (U+0000), which cannot be saved."),
                Arguments.of(entry(TestClients.NOT_AN_AGENT), "The client \"not-an-agent\" is not an agent: it needs client "
                        + "authentication and service accounts turned on, and its service account needs the realm role ai-agent."),
                Arguments.of(entry(TestClients.APP), "The client \"travel-planner\" is not an agent: it needs client "
                        + "authentication and service accounts turned on, and its service account needs the realm role ai-agent."),
                Arguments.of(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND + "|ghost-app"),
                        "Apps allowed to request it: there is no client \"ghost-app\" in this realm."),
                Arguments.of(entry(TestClients.PLANNER, "delegates", "ghost-agent"),
                        "Agents it may hand off to: there is no client \"ghost-agent\" in this realm."),
                Arguments.of(entry(TestClients.PLANNER, "delegates", TestClients.NOT_AN_AGENT),
                        "Agents it may hand off to: the client \"not-an-agent\" is not an agent (its service account needs the realm role ai-agent)."),
                Arguments.of(entry(TestClients.PLANNER, "delegates", TestClients.PLANNER),
                        "Agents it may hand off to: \"planner-agent\" cannot hand off to itself."),
                Arguments.of(entry(TestClients.PLANNER, "maxChainDepth", "0"), "Maximum chain depth must be between 1 and 10."),
                Arguments.of(entry(TestClients.PLANNER, "maxChainDepth", "11"), "Maximum chain depth must be between 1 and 10."),
                Arguments.of(entry(TestClients.PLANNER, "maxChainDepth", "three"), "Maximum chain depth must be a whole number."),
                Arguments.of(entry(TestClients.PLANNER, "tokenLifespan", "9"),
                        "Delegated token lifetime (seconds) must be between 10 and 3600."),
                Arguments.of(entry(TestClients.PLANNER, "tokenLifespan", "86400"),
                        "Delegated token lifetime (seconds) must be between 10 and 3600."),
                Arguments.of(entry(TestClients.PLANNER, "tokenLifespan", "301"), "Delegated token lifetime (seconds) must not be "
                        + "longer than the realm's access tokens (300 seconds, see Realm settings, Tokens tab): delegated tokens never outlive them."),
                Arguments.of(entry(TestClients.PLANNER, "refreshAllowed", "sometimes"), "Refresh allowed must be true or false."));
    }

    @ParameterizedTest
    @MethodSource("invalidEntries")
    void invalidEntryIsRefusedWithAMessageAndChangesNothing(Map<String, List<String>> config, String message) {
        Admin.Response refused = page.create(config);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("errorMessage").asText()).isEqualTo(message);
        assertThat(realm.admin().pageComponents(realm.name(), AgentsPage.PROVIDER_ID)).isEmpty();
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(TEST_REALM_DEFAULTS);
    }

    /** The runtime refuses an agent left at Full scope allowed; the page says so before anything is saved. */
    @Test
    void anAgentAtFullScopeAllowedIsRefusedWithTheSettingToChange() {
        realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("fullScopeAllowed", true));
        try {
            Admin.Response refused = page.create(entry(TestClients.BOOKING));

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.body().path("errorMessage").asText()).isEqualTo("The client \"booking-agent\" has Full scope "
                    + "allowed switched on, so it would act with every role of the user: agents only use the roles mapped to them. "
                    + "Switch it off (Clients, booking-agent, Client scopes, booking-agent-dedicated, Scope) and assign the roles "
                    + "the agent may use.");
            assertThat(realm.admin().pageComponents(realm.name(), AgentsPage.PROVIDER_ID)).isEmpty();
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.BOOKING, c -> c.put("fullScopeAllowed", false));
        }
    }

    /** A client whose service account was merely given ai-agent is not an agent yet, so it is no hand-off target. */
    @Test
    void delegateWithTheRoleButWithoutTheAgentMarkIsRefused() {
        String serviceAccount = realm.agentServiceAccountId(TestClients.NOT_AN_AGENT);
        realm.admin().addRealmRolesToUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        try {
            Admin.Response refused = page.create(entry(TestClients.PLANNER, "delegates", TestClients.NOT_AN_AGENT));

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.body().path("errorMessage").asText()).isEqualTo("Agents it may hand off to: the client "
                    + "\"not-an-agent\" is not marked as an agent yet. Give it its own entry on this page first (or set its "
                    + "client attribute actorbound.agent to true).");
            assertThat(page.entries()).isEmpty();
            assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(TEST_REALM_DEFAULTS);
        } finally {
            realm.admin().removeRealmRolesFromUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        }
    }

    @Test
    void invalidUpdateIsRefusedAndKeepsTheSavedSettings() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND)).createdId();

        Admin.Response refused = page.update(id, entry(TestClients.PLANNER, "tokenLifespan", "5"));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("errorMessage").asText())
                .isEqualTo("Delegated token lifetime (seconds) must be between 10 and 3600.");
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(
                Map.of(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND, AgentAttributes.REFRESH_ALLOWED, "false"));
    }

    /** Keycloak validates a component on update too: the NUL check holds on that path, not only on create. */
    @Test
    void anUpdateWithANulCharacterIsRefusedAndKeepsTheSavedSettings() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND)).createdId();

        Admin.Response refused = page.update(id, entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND + "\u0000"));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("errorMessage").asText())
                .isEqualTo("Apps allowed to request it contains a NUL character (U+0000), which cannot be saved.");
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsExactlyInAnyOrderEntriesOf(
                Map.of(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND, AgentAttributes.REFRESH_ALLOWED, "false"));
    }

    @Test
    void secondEntryForTheSameAgentIsRefused() {
        assertThat(page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND)).status()).isEqualTo(201);
        String booking = page.create(entry(TestClients.BOOKING)).createdId();
        String duplicate = "The agent \"planner-agent\" already has an entry on the Agents page. Edit that entry instead.";

        Admin.Response second = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.APP));
        Admin.Response moved = page.update(booking, entry(TestClients.PLANNER));

        assertThat(second.status()).isEqualTo(400);
        assertThat(second.body().path("errorMessage").asText()).isEqualTo(duplicate);
        assertThat(moved.status()).isEqualTo(400);
        assertThat(moved.body().path("errorMessage").asText()).isEqualTo(duplicate);
        assertThat(page.agentAttributes(TestClients.PLANNER)).containsEntry(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND);
    }

    @Test
    void delegatedFlowObeysThePage() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND)).createdId();

        ObjectNode event = flow.assertAuthorizationRefused(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)),
                "unauthorized_client", AgentsPage.NOT_ACCEPTED);
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);

        assertThat(page.update(id, entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND + "|" + TestClients.APP))
                .status()).isEqualTo(204);
        assertThat(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)).code()).isNotBlank();
    }

    /**
     * A realm export holds both the client attributes and the page's components. Keycloak imports components before
     * users, so the agent's service account does not exist yet when the entry is validated: import must still work,
     * with the entry or without it, and the attributes stay as exported.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void realmImportKeepsTheAttributesWithOrWithoutPageEntries(boolean withEntry) {
        String name = realm.name() + "-import-" + withEntry;
        Map<String, Object> agent = Map.of("clientId", "import-agent", "publicClient", false, "secret", "s3cret",
                "serviceAccountsEnabled", true, "standardFlowEnabled", false,
                "attributes", Map.of(AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND, AgentAttributes.MAX_CHAIN_DEPTH, "2"));
        Map<String, Object> representation = new java.util.LinkedHashMap<>(Map.of("realm", name, "enabled", true,
                "clients", List.of(agent, Map.of("clientId", TestClients.BACKEND, "publicClient", false, "secret", "s3cret")),
                "users", List.of(Map.of("username", "service-account-import-agent", "enabled", true,
                        "serviceAccountClientId", "import-agent", "realmRoles", List.of(TestRealm.AGENT_ROLE))),
                "roles", Map.of("realm", List.of(Map.of("name", TestRealm.AGENT_ROLE)))));
        if (withEntry) {
            representation.put("components", Map.of(Admin.UI_PAGE_PROVIDER, List.of(Map.of("name", "import-agent",
                    "providerId", AgentsPage.PROVIDER_ID, "config", entry("import-agent", "allowedClients", TestClients.BACKEND,
                            "maxChainDepth", "2")))));
        }
        try {
            realm.admin().createRealm(representation);

            assertThat(realm.admin().clientAttributes(name, "import-agent").path(AgentAttributes.ALLOWED_CLIENTS).asText())
                    .isEqualTo(TestClients.BACKEND);
            assertThat(realm.admin().clientAttributes(name, "import-agent").path(AgentAttributes.MAX_CHAIN_DEPTH).asText())
                    .isEqualTo("2");
            assertThat(realm.admin().pageComponents(name, AgentsPage.PROVIDER_ID)).hasSize(withEntry ? 1 : 0);
        } finally {
            realm.admin().deleteRealm(name);
        }
    }

    @Test
    void deletingTheEntryLetsEveryAppAskAgain() {
        String id = page.create(entry(TestClients.PLANNER, "allowedClients", TestClients.BACKEND)).createdId();
        assertThat(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)).error()).isEqualTo("unauthorized_client");

        page.delete(id);

        assertThat(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)).code()).isNotBlank();
    }
}
