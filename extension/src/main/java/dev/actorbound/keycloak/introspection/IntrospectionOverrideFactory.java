package dev.actorbound.keycloak.introspection;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProviderFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * Each of our introspection types replaces Keycloak's type of the same id (the {@code token_type_hint} value):
 * Keycloak keeps the factory with the higher order when two share an id.
 */
abstract class IntrospectionOverrideFactory implements TokenIntrospectionProviderFactory,
        EnvironmentDependentProviderFactory {

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public int order() {
        return SupportedKeycloak.order(10);
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
