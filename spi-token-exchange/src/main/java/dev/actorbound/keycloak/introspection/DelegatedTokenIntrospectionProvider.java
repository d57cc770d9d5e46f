package dev.actorbound.keycloak.introspection;

import org.keycloak.models.KeycloakSession;
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
}
