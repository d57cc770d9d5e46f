package dev.actorbound.keycloak.consent;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** The export and import of agent consents; also the path under the realm's admin API. */
public final class ConsentTransferResourceProviderFactory implements AdminRealmResourceProviderFactory {

    public static final String PROVIDER_ID = "actorbound-consents";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new ConsentTransferResourceProvider();
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
