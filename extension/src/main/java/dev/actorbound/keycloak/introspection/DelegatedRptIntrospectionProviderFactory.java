package dev.actorbound.keycloak.introspection;

import org.keycloak.authorization.protection.introspect.RPTIntrospectionProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;

/** Replaces Keycloak's {@code requesting_party_token} introspection (UMA). */
public final class DelegatedRptIntrospectionProviderFactory extends IntrospectionOverrideFactory {

    /** Read from Keycloak's factory, which has no constant for it. */
    private static final String RPT_TYPE = new RPTIntrospectionProviderFactory().getId();

    @Override
    public TokenIntrospectionProvider create(KeycloakSession session) {
        return new DelegatedRptIntrospectionProvider(session);
    }

    @Override
    public String getId() {
        return RPT_TYPE;
    }
}
