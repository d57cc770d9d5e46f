package dev.actorbound.keycloak.core;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.Version;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Parses the server-wide options once at start-up ({@code --spi-actorbound--default--<option>}) and declares them in
 * {@link #getConfigMetadata()}, so Keycloak lists them. Release 0.1 read them as options of the consent step
 * ({@code --spi-required-action--actorbound-agent-consent--<option>}); those names are still read, with a warning,
 * when the new one is not set.
 *
 * <p>The one provider of ours that stays on where {@link SupportedKeycloak} says the running Keycloak is not supported
 * (it only holds these options): its {@code postInit} then logs the one line that says Actorbound is inactive, and Server
 * Info shows it.
 */
public final class OptionsProviderFactory implements ProviderFactory<OptionsSpi.OptionsProvider>,
        ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";
    static final String LEGACY_SPI = "required-action";
    static final String LEGACY_PROVIDER = "actorbound-agent-consent";
    private static final Logger LOG = Logger.getLogger(OptionsProviderFactory.class);

    private ActorboundOptions options = ActorboundOptions.DEFAULTS;

    /** The options in effect; for a factory's {@code postInit}. */
    public static ActorboundOptions of(KeycloakSessionFactory factory) {
        return factory.getProviderFactory(OptionsSpi.OptionsProvider.class, PROVIDER_ID)
                instanceof OptionsProviderFactory own ? own.options : ActorboundOptions.DEFAULTS;
    }

    @Override
    public OptionsSpi.OptionsProvider create(KeycloakSession session) {
        ActorboundOptions current = options;
        return () -> current;
    }

    @Override
    public void init(Config.Scope config) {
        Config.Scope legacy = Config.scope(LEGACY_SPI, LEGACY_PROVIDER);
        options = ActorboundOptions.from(option -> read(config, legacy, option));
    }

    /** The new name wins; an option set only under its 0.1 name is taken from there, with a warning. */
    static Integer read(Config.Scope config, Config.Scope legacy, String option) {
        Integer value = config.getInt(option);
        if (value != null || legacy == null || legacy.get(option) == null) {
            return value;
        }
        LOG.warnf("Option --spi-%s--%s--%s is deprecated and will be removed in the next release; use --spi-%s--%s--%s",
                LEGACY_SPI, LEGACY_PROVIDER, option, OptionsSpi.NAME, PROVIDER_ID, option);
        return legacy.getInt(option);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ActorboundOptions.DELEGATED_TOKEN_LIFETIME).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Lifetime in seconds of a delegated access token, unless the agent sets its own "
                        + "access token lifespan (10 to 86400).")
                .defaultValue(ActorboundOptions.DEFAULTS.delegatedTokenLifetime()).add()
                .property().name(ActorboundOptions.MAX_CHAIN_DEPTH).type(ProviderConfigProperty.INTEGER_TYPE)
                .helpText("Most agents one delegation chain may hold, the first included (1 to 10).")
                .defaultValue(ActorboundOptions.DEFAULTS.maxChainDepth()).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        if (!SupportedKeycloak.running()) {
            return OperationalInfo.of(Map.of("inactive", SupportedKeycloak.unsupportedMessage(Version.VERSION)));
        }
        return OperationalInfo.of(options.asMap());
    }

    /** Once per start (one factory of this kind per server): on an unsupported Keycloak, the one line saying so. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (!SupportedKeycloak.running()) {
            LOG.error(SupportedKeycloak.unsupportedMessage(Version.VERSION));
        }
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
