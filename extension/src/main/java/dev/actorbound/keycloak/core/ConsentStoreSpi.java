package dev.actorbound.keycloak.core;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Where agent consents are kept: SPI {@value #NAME}. */
public final class ConsentStoreSpi implements Spi {

    public static final String NAME = "actorbound-consent-store";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ConsentStore.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ConsentStoreFactory.class;
    }
}
