package dev.actorbound.keycloak.introspection;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProviderFactory;

/**
 * Each of our introspection types replaces Keycloak's type of the same id (the {@code token_type_hint} value):
 * Keycloak keeps the factory with the higher order when two share an id.
 */
abstract class IntrospectionOverrideFactory implements TokenIntrospectionProviderFactory {

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public void close() {
    }
}
