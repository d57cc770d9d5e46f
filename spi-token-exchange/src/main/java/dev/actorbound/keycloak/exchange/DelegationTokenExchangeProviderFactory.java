package dev.actorbound.keycloak.exchange;

import java.util.Map;

import dev.actorbound.keycloak.consent.ActorboundOptions;
import dev.actorbound.keycloak.consent.AgentConsentRequiredActionFactory;
import dev.actorbound.keycloak.info.OperationalInfo;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

public final class DelegationTokenExchangeProviderFactory implements TokenExchangeProviderFactory, ServerInfoAwareProviderFactory {

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
        options = AgentConsentRequiredActionFactory.options(factory);
    }

    /** The server-wide options as this provider received them (they are set on the consent required action). */
    @Override
    public Map<String, String> getOperationalInfo() {
        return OperationalInfo.of(options.asMap());
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
}
