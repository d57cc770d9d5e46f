package dev.actorbound.keycloak.account;

import dev.actorbound.keycloak.core.RealmSetup;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** The user-facing Actorbound endpoints of a realm, under {@code /realms/<realm>/actorbound}. */
public final class MyAgentsResourceProviderFactory implements RealmResourceProviderFactory,
        EnvironmentDependentProviderFactory {

    /** Also the path segment under the realm: {@code /realms/<realm>/actorbound}. */
    public static final String PROVIDER_ID = "actorbound";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new MyAgentsResourceProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        RealmSetup.forEveryRealm(factory, (session, realm) -> MyAgentsClient.ensure(realm));
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
