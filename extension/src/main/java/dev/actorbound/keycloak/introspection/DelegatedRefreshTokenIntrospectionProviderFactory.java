package dev.actorbound.keycloak.introspection;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.RefreshTokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;

/** Replaces Keycloak's {@code refresh_token} introspection. */
public final class DelegatedRefreshTokenIntrospectionProviderFactory extends IntrospectionOverrideFactory {

    /** Read from Keycloak's factory: its constant is private. */
    private static final String REFRESH_TOKEN_TYPE = new RefreshTokenIntrospectionProviderFactory().getId();

    @Override
    public TokenIntrospectionProvider create(KeycloakSession session) {
        return new DelegatedRefreshTokenIntrospectionProvider(session);
    }

    @Override
    public String getId() {
        return REFRESH_TOKEN_TYPE;
    }
}
