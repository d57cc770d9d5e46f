package dev.actorbound.keycloak.admin;

import java.text.MessageFormat;
import java.util.Properties;

import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminRoot;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Who may change an agent through the Agents page: exactly who may edit the agent client through admin REST
 * ({@code PUT /clients/{id}} asks {@code clients().requireConfigure(client)}: the role manage-clients, or a
 * fine-grained permission on that client). Keycloak itself only asks manage-realm for any page component, so without
 * this check the page would be a way around the client's own permissions.
 */
final class AgentEditPermission {

    private final KeycloakSession session;
    private final RealmModel realm;

    AgentEditPermission(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /**
     * Refuses, with a 403 and a message the console shows, unless the admin of this request may edit the agent
     * client. A client that does not exist (any more) holds nothing to write, so it needs no right.
     */
    void require(String agent) {
        ClientModel client = agent == null ? null : realm.getClientByClientId(agent);
        if (client != null && !mayConfigure(client)) {
            throw refusal(agent);
        }
    }

    /**
     * The evaluator admin REST builds for this request, rebuilt from what Keycloak's bearer authentication left in
     * the context. No admin token means no admin request: nothing outside admin REST may write agents this way.
     */
    private boolean mayConfigure(ClientModel client) {
        KeycloakContext context = session.getContext();
        ClientModel adminClient = context.getClient();
        UserModel admin = context.getUser();
        if (!(context.getBearerToken() instanceof AccessToken token) || adminClient == null || admin == null) {
            return false;
        }
        AdminAuth auth = new AdminAuth(adminClient.getRealm(), token, admin, adminClient);
        return AdminPermissions.evaluator(session, realm, auth).clients().canConfigure(client);
    }

    /** Thrown from the component callbacks; its response also marks the transaction for rollback. */
    private ErrorResponseException refusal(String agent) {
        String locale = session.getContext().getBearerToken() instanceof AccessToken token ? token.getLocale() : null;
        Properties messages = AdminRoot.getMessages(session, realm, locale, "admin-messages", "messages");
        String message = MessageFormat.format(messages.getProperty(Messages.FORBIDDEN, Messages.FORBIDDEN), agent);
        return ErrorResponse.error(message, Response.Status.FORBIDDEN);
    }
}
