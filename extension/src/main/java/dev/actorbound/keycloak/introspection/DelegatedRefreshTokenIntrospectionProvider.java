package dev.actorbound.keycloak.introspection;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.protocol.oidc.RefreshTokenIntrospectionProvider;

/**
 * Keycloak's {@code refresh_token} introspection plus the delegation check: a delegated refresh token (and a
 * delegated access token sent with this hint) must not stay active after the consent or the agent is gone.
 */
public final class DelegatedRefreshTokenIntrospectionProvider extends RefreshTokenIntrospectionProvider {

    DelegatedRefreshTokenIntrospectionProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    protected boolean introspectionChecks(String tokenStr) {
        return super.introspectionChecks(tokenStr)
                && DelegationIntrospection.stillLive(session, realm, eventBuilder, user, token, transformedToken);
    }

    /** Keycloak rebuilds the answer by running the mappers again: only for the delegation's roles and scopes. */
    @Override
    public AccessToken transformAccessToken(AccessToken accessToken, UserSessionModel userSession) {
        return DelegationIntrospection.transform(session, realm, accessToken, userSession, super::transformAccessToken);
    }
}
