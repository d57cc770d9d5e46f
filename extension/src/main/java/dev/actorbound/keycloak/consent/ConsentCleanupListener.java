package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentStore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Removes consent records once Keycloak's own screens revoked the agent: "Remove access" in the account console
 * (user event {@code REVOKE_GRANT}) and "Revoke" under Users → Consents in the admin console (admin event on
 * {@code users/<id>/consents/<client>}). Those records already stopped counting when the stock consent went;
 * this keeps the store as small and truthful as what the user sees.
 */
final class ConsentCleanupListener implements EventListenerProvider {

    private static final Pattern CONSENT_PATH = Pattern.compile("^users/([^/]+)/consents/[^/]+$");

    private final KeycloakSession session;

    ConsentCleanupListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() == EventType.REVOKE_GRANT && event.getError() == null && event.getUserId() != null) {
            prune(event.getRealmId(), event.getUserId());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getOperationType() != OperationType.ACTION || event.getResourcePath() == null || event.getError() != null) {
            return;
        }
        Matcher matcher = CONSENT_PATH.matcher(event.getResourcePath());
        if (matcher.matches()) {
            prune(event.getRealmId(), matcher.group(1));
        }
    }

    private void prune(String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            ConsentStore.of(session).prune(realm, user);
        }
    }

    @Override
    public void close() {
    }
}
