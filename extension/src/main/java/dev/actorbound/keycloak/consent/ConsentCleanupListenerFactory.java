package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentStore;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderEvent;

/**
 * Keeps the consent store clean without admin set-up: global, so it hears revocations in every realm, and
 * subscribed to client removal, so deleting an app or an agent deletes the consents that name it.
 * (Deleting a user deletes the user's attributes and stock consents with it.)
 */
public final class ConsentCleanupListenerFactory implements EventListenerProviderFactory {

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
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {
    }
}
