package dev.actorbound.keycloak.core;

import org.keycloak.provider.Provider;

/**
 * The home of the server-wide delegation options: SPI {@value #NAME}, one provider ({@link OptionsProviderFactory}),
 * options {@code --spi-actorbound--default--<option>}. Every feature reads them from here.
 */
public final class OptionsSpi extends OwnSpi {

    public static final String NAME = "actorbound";

    public OptionsSpi() {
        super(NAME, OptionsProvider.class, OptionsProviderFactory.class);
    }

    /** What {@code session.getProvider(OptionsProvider.class)} gives: the options in effect. */
    public interface OptionsProvider extends Provider {

        ActorboundOptions options();

        @Override
        default void close() {
        }
    }
}
