package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** The export and import of agent consents; also the path under the realm's admin API. */
public final class ConsentTransferResourceProviderFactory implements AdminRealmResourceProviderFactory,
        EnvironmentDependentProviderFactory {

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

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
