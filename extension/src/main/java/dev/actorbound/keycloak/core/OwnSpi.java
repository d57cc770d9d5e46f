package dev.actorbound.keycloak.core;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * An SPI of Actorbound's own: a name (what {@code --spi-<name>--<provider>--<option>} starts with), its provider
 * and factory types, and never internal, so that Keycloak lists it without a warning. Keycloak loads each subclass
 * through {@code ServiceLoader}, hence the no-argument constructors that name these three.
 */
public abstract class OwnSpi implements Spi {

    private final String name;
    private final Class<? extends Provider> providerClass;
    @SuppressWarnings("rawtypes")
    private final Class<? extends ProviderFactory> factoryClass;

    @SuppressWarnings("rawtypes")
    protected OwnSpi(String name, Class<? extends Provider> providerClass, Class<? extends ProviderFactory> factoryClass) {
        this.name = name;
        this.providerClass = providerClass;
        this.factoryClass = factoryClass;
    }

    @Override
    public final boolean isInternal() {
        return false;
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final Class<? extends Provider> getProviderClass() {
        return providerClass;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public final Class<? extends ProviderFactory> getProviderFactoryClass() {
        return factoryClass;
    }
}
