package dev.actorbound.keycloak.discovery;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.OIDCWellKnownProviderFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.wellknown.WellKnownProvider;
import org.keycloak.wellknown.WellKnownProviderFactory;

/**
 * Serves {@code /.well-known/openid-configuration} (a lower priority wins the alias) by decorating Keycloak's
 * own provider, so its options (overrides file, client scopes) keep working.
 */
public final class ActorboundWellKnownProviderFactory implements WellKnownProviderFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "actorbound-openid-configuration";

    private KeycloakSessionFactory sessionFactory;

    @Override
    public WellKnownProvider create(KeycloakSession session) {
        WellKnownProviderFactory stock = (WellKnownProviderFactory) sessionFactory
                .getProviderFactory(WellKnownProvider.class, OIDCWellKnownProviderFactory.PROVIDER_ID);
        return new ActorboundWellKnownProvider(stock.create(session));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        this.sessionFactory = factory;
    }

    @Override
    public String getAlias() {
        return OIDCWellKnownProviderFactory.PROVIDER_ID;
    }

    @Override
    public int getPriority() {
        return 50;
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
