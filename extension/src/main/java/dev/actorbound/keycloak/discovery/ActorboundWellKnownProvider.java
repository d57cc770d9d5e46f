package dev.actorbound.keycloak.discovery;

import dev.actorbound.keycloak.actortoken.ActorTokenParameters;
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
            oidc.setOtherClaims("actor_token_types_supported", ActorTokenParameters.ACCEPTED_TYPES);
        }
        return config;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
