package dev.actorbound.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The admin console's Agents page as admin REST sees it: components of the realm, written to client attributes. */
final class AgentsPage {

    static final String PROVIDER_ID = "actorbound-agents";
    /** What an app is told when the agent does not accept it (PROTOCOL §2.1). */
    static final String NOT_ACCEPTED = "the requested agent does not accept requests from this client";

    private final TestRealm realm;
    /** Who saves and deletes entries; reads and clean-up always go through the realm's full admin. */
    private final Admin editor;

    AgentsPage(TestRealm realm) {
        this(realm, realm.admin());
    }

    private AgentsPage(TestRealm realm, Admin editor) {
        this.realm = realm;
        this.editor = editor;
    }

    /** The same page, with entries saved and deleted by {@code admin}. */
    AgentsPage as(Admin admin) {
        return new AgentsPage(realm, admin);
    }

    /** A page entry's config, field by field, in the shape the console's form sends (one list per field). */
    static Map<String, List<String>> entry(String agent, String... fieldValuePairs) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        config.put("agent", List.of(agent));
        for (int i = 0; i < fieldValuePairs.length; i += 2) {
            config.put(fieldValuePairs[i], List.of(fieldValuePairs[i + 1].split("\\|", -1)));
        }
        return config;
    }

    Admin.Response create(Map<String, List<String>> config) {
        return editor.createPageComponent(realm.name(), PROVIDER_ID, config);
    }

    Admin.Response update(String id, Map<String, List<String>> config) {
        return editor.updatePageComponent(realm.name(), id, PROVIDER_ID, config);
    }

    Admin.Response delete(String id) {
        return editor.delete("/realms/" + realm.name() + "/components/" + id, null);
    }

    /** Deletes every entry, so each test starts from an empty page. */
    void clear() {
        entries().forEach(c -> realm.admin().delete("/realms/" + realm.name() + "/components/" + c.get("id").asText(), null)
                .expectOk("delete entry"));
    }

    /** The page's entries as the realm's full admin sees them. */
    List<ObjectNode> entries() {
        return realm.admin().pageComponents(realm.name(), PROVIDER_ID);
    }

    /**
     * The agent settings among the client's attributes ({@code actorbound.*} and {@code access.token.lifespan}),
     * flattened to strings; the agent marker {@link TestRealm#AGENT_MARKER} is left out, see {@link #isMarkedAsAgent}.
     */
    Map<String, String> agentAttributes(String clientId) {
        Map<String, String> attributes = new LinkedHashMap<>();
        realm.admin().clientAttributes(realm.name(), clientId).fields().forEachRemaining(field -> {
            if (field.getKey().equals(TestRealm.AGENT_MARKER)) {
                return;
            }
            if (field.getKey().startsWith("actorbound.") || field.getKey().equals("access.token.lifespan")) {
                attributes.put(field.getKey(), field.getValue().asText());
            }
        });
        return attributes;
    }

    /** Whether the client carries the agent marker attribute a client admin sets. */
    boolean isMarkedAsAgent(String clientId) {
        return "true".equals(realm.admin().clientAttributes(realm.name(), clientId).path(TestRealm.AGENT_MARKER).asText());
    }
}
