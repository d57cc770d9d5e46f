package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.core.ConsentStoreFactory;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Consents kept as signed user attributes. */
public final class UserAttributeConsentStoreFactory implements ConsentStoreFactory {

    public static final String PROVIDER_ID = "user-attribute";

    @Override
    public ConsentStore create(KeycloakSession session) {
        return new UserAttributeConsentStore(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
