package dev.actorbound.keycloak.admin;

import java.util.List;
import java.util.OptionalInt;

import dev.actorbound.keycloak.core.AgentAttributes;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * Copies an entry of the Agents page onto the agent's client attributes: the runtime, admin REST, kcadm and realm
 * export only ever read those, so the page is one more way of editing them, not a second store. An empty field
 * removes its attribute, which brings back the server-wide default. Saving also marks the client as an agent
 * ({@link AgentAttributes#AGENT_MARKER}); deleting the entry leaves the mark, so the agent keeps working with the
 * defaults.
 */
final class AgentAttributeWriter {

    /** Every setting the page manages; removing them all restores the defaults. */
    static final List<String> KEYS = List.of(AgentAttributes.ALLOWED_CLIENTS, AgentAttributes.DELEGATES,
            AgentAttributes.MAX_CHAIN_DEPTH, AgentAttributes.REFRESH_ALLOWED, AgentAttributes.TOKEN_LIFESPAN);

    private final RealmModel realm;

    AgentAttributeWriter(RealmModel realm) {
        this.realm = realm;
    }

    void write(AgentEntry entry) {
        ClientModel client = realm.getClientByClientId(entry.agent());
        if (client == null) {
            return;
        }
        client.setAttribute(AgentAttributes.AGENT_MARKER, "true");
        set(client, AgentAttributes.ALLOWED_CLIENTS, String.join(",", entry.allowedClients()));
        set(client, AgentAttributes.DELEGATES, String.join(",", entry.delegates()));
        set(client, AgentAttributes.MAX_CHAIN_DEPTH, text(entry.maxChainDepth()));
        set(client, AgentAttributes.TOKEN_LIFESPAN, text(entry.tokenLifespan()));
        set(client, AgentAttributes.REFRESH_ALLOWED, String.valueOf(entry.refreshAllowed()));
    }

    /** Removes the page's attributes from the agent, if the agent still exists. */
    void clear(String agent) {
        ClientModel client = agent == null ? null : realm.getClientByClientId(agent);
        if (client != null) {
            KEYS.forEach(client::removeAttribute);
        }
    }

    private static void set(ClientModel client, String key, String value) {
        if (value.isEmpty()) {
            client.removeAttribute(key);
        } else {
            client.setAttribute(key, value);
        }
    }

    private static String text(OptionalInt value) {
        return value.isPresent() ? String.valueOf(value.getAsInt()) : "";
    }
}
