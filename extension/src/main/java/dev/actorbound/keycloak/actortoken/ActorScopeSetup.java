package dev.actorbound.keycloak.actortoken;

import java.util.Objects;

import dev.actorbound.keycloak.core.ActorTokenAudience;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AgentResolver;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/** Creates the {@value ActorTokenAudience#SCOPE} client scope in a realm that has none. */
final class ActorScopeSetup {

    private ActorScopeSetup() {
    }

    static void prepare(KeycloakSession session, RealmModel realm) {
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
        RoleModel agentRole = realm.getRole(AgentAttributes.AGENT_ROLE);
        if (agentRole == null) {
            return; // no role, no agents yet
        }
        session.users().getRoleMembersStream(realm, agentRole)
                .map(UserModel::getServiceAccountClientLink)
                .filter(Objects::nonNull)
                .map(realm::getClientById)
                .filter(client -> client != null && AgentResolver.isMarked(client)
                        && OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()))
                .forEach(client -> client.addClientScope(scope, false));
    }
}
