package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderEvent;

/**
 * Keeps the consent store clean without admin set-up: global, so it hears revocations in every realm, and
 * subscribed to client and user removal, so deleting an app, an agent or a user deletes the consents that name them.
 * (Deleting a realm deletes its consents through the table's foreign key.)
 */
public final class ConsentCleanupListenerFactory implements EventListenerProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-consent-cleanup";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new ConsentCleanupListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(ConsentCleanupListenerFactory::onProviderEvent);
    }

    private static void onProviderEvent(ProviderEvent event) {
        if (event instanceof ClientModel.ClientRemovedEvent removed) {
            ClientModel client = removed.getClient();
            ConsentStore.of(removed.getKeycloakSession()).forgetClient(client.getRealm(), client.getId());
        } else if (event instanceof UserModel.UserRemovedEvent removed) {
            ConsentStore.of(removed.getKeycloakSession()).forgetUser(removed.getRealm(), removed.getUser().getId());
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
