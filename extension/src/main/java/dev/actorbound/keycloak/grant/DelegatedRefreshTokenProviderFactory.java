package dev.actorbound.keycloak.grant;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.OptionsProviderFactory;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProviderFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/** Ordered above Keycloak's {@code default} refresh provider, which then only sees refresh tokens without {@code act}. */
public final class DelegatedRefreshTokenProviderFactory implements RefreshTokenProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-delegated";

    private ActorboundOptions options = ActorboundOptions.DEFAULTS;

    @Override
    public RefreshTokenProvider create(KeycloakSession session) {
        return new DelegatedRefreshTokenProvider(session, options);
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
        return PROVIDER_ID;
    }

    @Override
    public int order() {
        return 10;
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
