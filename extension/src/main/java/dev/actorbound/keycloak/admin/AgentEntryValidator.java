package dev.actorbound.keycloak.admin;

import java.util.Objects;
import java.util.stream.Stream;

import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AgentResolver;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ui.extend.UiPageProvider;

/**
 * Checks an {@link AgentEntry} against the realm, so that the page only ever writes settings the runtime can use.
 * The runtime still re-checks every agent on every request; this is about telling the admin early and clearly.
 */
final class AgentEntryValidator {

    private final KeycloakSession session;
    private final RealmModel realm;

    AgentEntryValidator(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    void validate(ComponentModel model, AgentEntry entry) {
        ClientModel agent = realm.getClientByClientId(entry.agent());
        if (agent == null) {
            throw new ComponentValidationException(Messages.UNKNOWN_AGENT, entry.agent());
        }
        if (!isAgent(agent)) {
            throw new ComponentValidationException(Messages.NOT_AN_AGENT, entry.agent());
        }
        entry.allowedClients().stream().filter(app -> realm.getClientByClientId(app) == null).findFirst()
                .ifPresent(app -> {
                    throw new ComponentValidationException(Messages.UNKNOWN_APP, app);
                });
        entry.delegates().forEach(delegate -> checkDelegate(entry.agent(), delegate));
        checkLifespan(entry);
        rejectSecondEntry(model, entry.agent());
    }

    private void checkDelegate(String agent, String delegate) {
        if (delegate.equals(agent)) {
            throw new ComponentValidationException(Messages.DELEGATE_SELF, agent);
        }
        ClientModel client = realm.getClientByClientId(delegate);
        if (client == null) {
            throw new ComponentValidationException(Messages.UNKNOWN_DELEGATE, delegate);
        }
        if (!isAgent(client)) {
            throw new ComponentValidationException(Messages.DELEGATE_NOT_AN_AGENT, delegate);
        }
        if (!AgentResolver.isMarked(client)) {
            throw new ComponentValidationException(Messages.DELEGATE_NOT_MARKED, delegate);
        }

    }

    /**
     * What the page checks when an admin saves an entry, beyond {@link #validate}: settings of the clients themselves
     * that the runtime refuses. Not part of validation, which realm import also runs before the clients are complete.
     */
    void requireUsable(AgentEntry entry) {
        for (String clientId : Stream.concat(Stream.of(entry.agent()),
                entry.delegates().stream()).toList()) {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client != null && client.isFullScopeAllowed()) {
                throw new ComponentValidationException(Messages.FULL_SCOPE, clientId);
            }
        }
    }

    /** The runtime only ever shortens the token Keycloak issues, so a longer setting would silently not apply. */
    private void checkLifespan(AgentEntry entry) {
        int realmLifespan = realm.getAccessTokenLifespan();
        if (entry.tokenLifespan().isPresent() && entry.tokenLifespan().getAsInt() > realmLifespan) {
            throw new ComponentValidationException(Messages.LIFESPAN_ABOVE_REALM, String.valueOf(realmLifespan));
        }
    }

    /**
     * Confidential with a service account holding {@code ai-agent}; the agent marker is not asked for, since saving
     * the entry sets it. A missing service-account user is accepted: a realm import creates components before users,
     * and the runtime refuses such a client anyway.
     */
    private boolean isAgent(ClientModel client) {
        if (client.isPublicClient() || client.isBearerOnly() || !client.isServiceAccountsEnabled()) {
            return false;
        }
        UserModel serviceAccount = session.users().getServiceAccount(client);
        RoleModel agentRole = realm.getRole(AgentAttributes.AGENT_ROLE);
        return serviceAccount == null || agentRole != null && serviceAccount.hasRole(agentRole);
    }

    /** Two entries for one agent would overwrite each other's client attributes. */
    private void rejectSecondEntry(ComponentModel model, String agent) {
        boolean taken = realm.getComponentsStream(realm.getId(), UiPageProvider.class.getName())
                .filter(other -> AgentsPageProviderFactory.PROVIDER_ID.equals(other.getProviderId()))
                .filter(other -> !Objects.equals(other.getId(), model.getId()))
                .anyMatch(other -> agent.equals(other.get(AgentEntry.AGENT)));
        if (taken) {
            throw new ComponentValidationException(Messages.DUPLICATE, agent);
        }
    }
}
