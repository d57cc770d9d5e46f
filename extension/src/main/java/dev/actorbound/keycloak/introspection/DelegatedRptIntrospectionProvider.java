package dev.actorbound.keycloak.introspection;

import org.keycloak.authorization.protection.introspect.RPTIntrospectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;

/**
 * Keycloak's {@code requesting_party_token} introspection plus the delegation check: it accepts any access token
 * of the realm, delegated ones included, so it must answer inactive for a dead delegation like the other types.
 */
public final class DelegatedRptIntrospectionProvider extends RPTIntrospectionProvider {

    DelegatedRptIntrospectionProvider(KeycloakSession session) {
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
