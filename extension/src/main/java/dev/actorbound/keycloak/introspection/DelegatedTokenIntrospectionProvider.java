package dev.actorbound.keycloak.introspection;

import dev.actorbound.keycloak.delegation.OwnApiGuard;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProvider;
import org.keycloak.representations.AccessToken;

/**
 * Keycloak's {@code access_token} introspection (also used without a hint), plus the delegation check: the stock
 * one neither returns {@code act} nor knows about agents and consents.
 */
public final class DelegatedTokenIntrospectionProvider extends AccessTokenIntrospectionProvider<AccessToken> {

    DelegatedTokenIntrospectionProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    protected boolean introspectionChecks(String tokenStr) {
        return super.introspectionChecks(tokenStr)
                && DelegationIntrospection.stillLive(session, realm, eventBuilder, user, token, transformedToken);
    }

    /**
     * Keycloak rebuilds the answer by running the mappers again: only for the delegation's roles and scopes. The Account
     * API rebuilds a token's claims through this provider too, and refuses a delegated token here.
     */
    @Override
    public AccessToken transformAccessToken(AccessToken accessToken, UserSessionModel userSession) {
        OwnApiGuard.refuseAccountApi(session, accessToken);
        return DelegationIntrospection.transform(session, realm, accessToken, userSession, super::transformAccessToken);
    }
}
