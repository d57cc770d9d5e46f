package dev.actorbound.keycloak.core;

/** Where agent consents are kept: SPI {@value #NAME}. */
public final class ConsentStoreSpi extends OwnSpi {

    public static final String NAME = "actorbound-consent-store";

    public ConsentStoreSpi() {
        super(NAME, ConsentStore.class, ConsentStoreFactory.class);
    }
}
