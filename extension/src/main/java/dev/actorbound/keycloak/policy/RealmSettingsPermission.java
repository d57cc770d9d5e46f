package dev.actorbound.keycloak.policy;

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
 * Who may change the realm's PDP settings through the "Policy decisions" tab: exactly who may change them as realm
 * attributes ({@code PUT /admin/realms/{realm}} asks manage-realm). Keycloak asks the same for any component today;
 * asking here as well keeps it so should the component endpoint ever ask less.
 */
final class RealmSettingsPermission {

    static final String FORBIDDEN = PolicySettingsTabFactory.PROVIDER_ID + "-forbidden";

    private final KeycloakSession session;
    private final RealmModel realm;

    RealmSettingsPermission(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Refuses with a 403 and a message the console shows, unless the admin of this request may manage the realm. */
    void require() {
        KeycloakContext context = session.getContext();
        ClientModel adminClient = context.getClient();
        UserModel admin = context.getUser();
        boolean allowed = context.getBearerToken() instanceof AccessToken token && adminClient != null && admin != null
                && AdminPermissions.evaluator(session, realm, new AdminAuth(adminClient.getRealm(), token, admin, adminClient))
                        .realm().canManageRealm();
        if (!allowed) {
            throw refusal();
        }
    }

    /** Thrown from the component callbacks; its response also marks the transaction for rollback. */
    private ErrorResponseException refusal() {
        String locale = session.getContext().getBearerToken() instanceof AccessToken token ? token.getLocale() : null;
        Properties messages = AdminRoot.getMessages(session, realm, locale, "admin-messages", "messages");
        return ErrorResponse.error(MessageFormat.format(messages.getProperty(FORBIDDEN, FORBIDDEN), new Object[0]), Response.Status.FORBIDDEN);
    }
}
