package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.core.ConsentStoreFactory;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;

/**
 * Consents kept as signed user attributes, the store of release 0.1. Chosen only with
 * {@code --spi-actorbound-consent-store--provider=user-attribute}, and deprecated: the {@code jpa} store is the default
 * and moves these records into its table at start-up.
 */
public final class UserAttributeConsentStoreFactory implements ConsentStoreFactory,
        EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "user-attribute";
    private static final Logger LOG = Logger.getLogger(UserAttributeConsentStoreFactory.class);

    @Override
    public ConsentStore create(KeycloakSession session) {
        return new UserAttributeConsentStore(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (factory.getProviderFactory(ConsentStore.class) == this) {
            LOG.warnf("Consent store %s is deprecated and will be removed in the next release; the default store (%s) "
                    + "moves its records into a table of its own at start-up", PROVIDER_ID, JpaConsentStoreFactory.PROVIDER_ID);
        }
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
