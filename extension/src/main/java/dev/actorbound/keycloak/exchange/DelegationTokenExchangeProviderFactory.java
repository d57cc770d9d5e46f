package dev.actorbound.keycloak.exchange;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.OptionsProviderFactory;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

public final class DelegationTokenExchangeProviderFactory implements TokenExchangeProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-delegation";

    private ActorboundOptions options = ActorboundOptions.DEFAULTS;

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return new DelegationTokenExchangeProvider(options);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        options = OptionsProviderFactory.of(factory);
    }

    /** Above Keycloak's standard (10) and 26.8's upstream delegation (15) providers: delegated requests are ours. */
    @Override
    public int order() {
        return 20;
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Off on a Keycloak version this jar does not support: Keycloak's own providers serve instead. */
    @Override
    public boolean isSupported(Config.Scope config) {
        return SupportedKeycloak.running();
    }
}
