package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.core.ConsentStoreFactory;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * Consents in a table of their own: the default store (the highest {@link #order()}). At every start-up, once Keycloak
 * has migrated its own data, it moves the records the user-attribute store left behind into the table.
 */
public final class JpaConsentStoreFactory implements ConsentStoreFactory, EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "jpa";

    /** One per server: what counted under a mirror stamp, shared by every request's store. */
    private final CountingConsents remembered = CountingConsents.perServer();

    @Override
    public ConsentStore create(KeycloakSession session) {
        return new JpaConsentStore(session, remembered);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            // Only as the store in use: with another one chosen, the records are still that store's.
            if (event instanceof PostMigrationEvent migrated && migrated.getFactory().getProviderFactory(ConsentStore.class) == this) {
                AttributeConsentMigration.run(migrated.getFactory());
            }
        });
    }

    /** Above the user-attribute store's 0: Keycloak makes the factory with the highest order the default. */
    @Override
    public int order() {
        return 10;
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
