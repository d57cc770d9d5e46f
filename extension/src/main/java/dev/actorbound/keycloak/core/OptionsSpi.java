package dev.actorbound.keycloak.core;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The home of the server-wide delegation options: SPI {@value #NAME}, one provider ({@link OptionsProviderFactory}),
 * options {@code --spi-actorbound--default--<option>}. Every feature reads them from here.
 */
public final class OptionsSpi implements Spi {

    public static final String NAME = "actorbound";

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
        return OptionsProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return OptionsProviderFactory.class;
    }

    /** What {@code session.getProvider(OptionsProvider.class)} gives: the options in effect. */
    public interface OptionsProvider extends Provider {

        ActorboundOptions options();

        @Override
        default void close() {
        }
    }
}
