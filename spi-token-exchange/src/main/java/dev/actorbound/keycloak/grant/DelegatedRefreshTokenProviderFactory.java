package dev.actorbound.keycloak.grant;

import java.util.Map;

import dev.actorbound.keycloak.consent.ActorboundOptions;
import dev.actorbound.keycloak.consent.AgentConsentRequiredActionFactory;
import dev.actorbound.keycloak.info.OperationalInfo;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/** Ordered above Keycloak's {@code default} refresh provider, which then only sees refresh tokens without {@code act}. */
public final class DelegatedRefreshTokenProviderFactory implements RefreshTokenProviderFactory, ServerInfoAwareProviderFactory {

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
        options = AgentConsentRequiredActionFactory.options(factory);
    }

    /** The server-wide options as this provider received them (they are set on the consent required action). */
    @Override
    public Map<String, String> getOperationalInfo() {
        return OperationalInfo.of(options.asMap());
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
}
