package dev.actorbound.keycloak.grant;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.OptionsProviderFactory;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.grants.AuthorizationCodeGrantTypeFactory;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * Replaces Keycloak's {@code authorization_code} grant (same id, higher order); requests without actor
 * binding behave exactly as before.
 */
public final class ActorBoundCodeGrantTypeFactory implements OAuth2GrantTypeFactory,
        EnvironmentDependentProviderFactory {

    private ActorboundOptions options = ActorboundOptions.DEFAULTS;

    @Override
    public OAuth2GrantType create(KeycloakSession session) {
        return new ActorBoundCodeGrantType(options);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        options = OptionsProviderFactory.of(factory);
    }

    @Override
    public String getId() {
        return OAuth2Constants.AUTHORIZATION_CODE;
    }

    @Override
    public String getShortcut() {
        return AuthorizationCodeGrantTypeFactory.GRANT_SHORTCUT;
    }

    @Override
    public int order() {
        return SupportedKeycloak.order(10);
    }

    @Override
    public void close() {
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
