package dev.actorbound.keycloak.agent;

import java.util.Objects;

import dev.actorbound.keycloak.myagents.MyAgentsClient;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.provider.ProviderEvent;

/**
 * Makes every realm ready for agents: the {@code ai-agent} role exists, the consent step is registered, the
 * client of the "agents that act for me" page exists and so does the {@value ActorTokenAudience#SCOPE} client scope.
 * Runs for existing realms at start-up and for each realm created or imported later. Never re-enables a
 * consent step an admin disabled: with it disabled, delegated requests are refused instead.
 */
public final class RealmSetup {

    private final String consentActionId;
    private final String consentActionName;

    public RealmSetup(String consentActionId, String consentActionName) {
        this.consentActionId = consentActionId;
        this.consentActionName = consentActionName;
    }

    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            prepare(created.getKeycloakSession(), created.getCreatedRealm());
        } else if (event instanceof PostMigrationEvent migrated) {
            KeycloakSessionFactory factory = migrated.getFactory();
            KeycloakModelUtils.runJobInTransaction(factory, this::prepareAll);
        }
    }

    private void prepareAll(KeycloakSession session) {
        session.realms().getRealmsStream().forEach(realm -> prepare(session, realm));
    }

    void prepare(KeycloakSession session, RealmModel realm) {
        if (realm.getRole(AgentAttributes.AGENT_ROLE) == null) {
            RoleModel role = realm.addRole(AgentAttributes.AGENT_ROLE);
            role.setDescription(AgentAttributes.AGENT_ROLE_DESCRIPTION);
        }
        if (realm.getRequiredActionProviderByAlias(consentActionId) == null) {
            RequiredActionProviderModel action = new RequiredActionProviderModel();
            action.setAlias(consentActionId);
            action.setProviderId(consentActionId);
            action.setName(consentActionName);
            action.setEnabled(true);
            action.setDefaultAction(false);
            // Last in line: consent to an agent is the final step before the code is issued.
            action.setPriority(1000);
            realm.addRequiredActionProvider(action);
        }
        MyAgentsClient.ensure(realm);
        if (KeycloakModelUtils.getClientScopeByName(realm, ActorTokenAudience.SCOPE) == null) {
            addActorScope(session, realm);
        }
    }

    /**
     * Optional for every client created from now on (so agents can ask for it); agents that exist already, imported
     * with the realm or there before the extension was upgraded, get it here, once.
     */
    private static void addActorScope(KeycloakSession session, RealmModel realm) {
        ClientScopeModel scope = realm.addClientScope(ActorTokenAudience.SCOPE);
        scope.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        scope.setDescription(ActorTokenAudience.SCOPE_DESCRIPTION);
        scope.setDisplayOnConsentScreen(false);
        scope.setIncludeInTokenScope(true);
        scope.addProtocolMapper(ActorAudienceMapper.model());
        realm.addDefaultClientScope(scope, false);
        session.users().getRoleMembersStream(realm, realm.getRole(AgentAttributes.AGENT_ROLE))
                .map(UserModel::getServiceAccountClientLink)
                .filter(Objects::nonNull)
                .map(realm::getClientById)
                .filter(client -> client != null && AgentResolver.isMarked(client)
                        && OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()))
                .forEach(client -> client.addClientScope(scope, false));
    }
}
