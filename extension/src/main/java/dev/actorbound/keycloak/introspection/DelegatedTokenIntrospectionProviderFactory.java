package dev.actorbound.keycloak.introspection;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;

/** Replaces Keycloak's {@code access_token} introspection, the one used when no hint is sent. */
public final class DelegatedTokenIntrospectionProviderFactory extends IntrospectionOverrideFactory {

    @Override
    public TokenIntrospectionProvider create(KeycloakSession session) {
        return new DelegatedTokenIntrospectionProvider(session);
    }

    @Override
    public String getId() {
        return AccessTokenIntrospectionProviderFactory.ACCESS_TOKEN_TYPE;
    }
}
