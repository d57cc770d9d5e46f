package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * The agent consent table. Registered whichever consent store is chosen, so that the schema is there before a
 * server switches to the {@code jpa} store. Keycloak names the changelog table after this id
 * ({@code DATABASECHANGELOG_ACTORBOUND}): it must never change.
 */
public final class ConsentEntityProviderFactory implements JpaEntityProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-consent";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new ConsentEntityProvider();
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
