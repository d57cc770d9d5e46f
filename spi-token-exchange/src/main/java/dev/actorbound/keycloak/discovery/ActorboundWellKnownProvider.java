package dev.actorbound.keycloak.discovery;

import java.util.List;

import org.keycloak.OAuth2Constants;
import org.keycloak.protocol.oidc.representations.OIDCConfigurationRepresentation;
import org.keycloak.wellknown.WellKnownProvider;

/** Keycloak's OpenID configuration plus the fields by which clients detect actor-bound delegation (PROTOCOL §7). */
final class ActorboundWellKnownProvider implements WellKnownProvider {

    private final WellKnownProvider delegate;

    ActorboundWellKnownProvider(WellKnownProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public Object getConfig() {
        Object config = delegate.getConfig();
        if (config instanceof OIDCConfigurationRepresentation oidc) {
            oidc.setOtherClaims("requested_actor_supported", true);
            oidc.setOtherClaims("actor_token_types_supported",
                    List.of(OAuth2Constants.ACCESS_TOKEN_TYPE, OAuth2Constants.JWT_TOKEN_TYPE));
        }
        return config;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
