package dev.actorbound.keycloak.core;

import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;

/**
 * An agent's canonical identity: its client and its service-account user. {@code act.sub} is the
 * service-account id and {@code act.client_id} the client_id, as the actor token of the agent carries them.
 */
public record Agent(ClientModel client, UserModel serviceAccount) {

    public String clientId() {
        return client.getClientId();
    }

    public String clientUuid() {
        return client.getId();
    }

    public String serviceAccountId() {
        return serviceAccount.getId();
    }

    public AgentSettings settings() {
        return AgentSettings.of(client);
    }

    /** The name users see: the client's display name, else its client_id. */
    public String displayName() {
        String name = client.getName();
        return name == null || name.isBlank() ? client.getClientId() : name;
    }
}
