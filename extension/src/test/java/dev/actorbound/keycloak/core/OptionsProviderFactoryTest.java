package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

/**
 * The options' own names ({@code --spi-actorbound--default--<option>}) and their 0.1 names
 * ({@code --spi-required-action--actorbound-agent-consent--<option>}), read through Keycloak's system-property
 * configuration, which is what {@code Config.scope} reads in a plain JVM.
 */
class OptionsProviderFactoryTest {

    private static final String NEW = "keycloak.actorbound.default.";
    private static final String OLD = "keycloak.required-action.actorbound-agent-consent.";

    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger(OptionsProviderFactory.class.getName()).addHandler(capture);
    }

    @AfterEach
    void clear() {
        Logger.getLogger(OptionsProviderFactory.class.getName()).removeHandler(capture);
        for (String option : List.of(ActorboundOptions.DELEGATED_TOKEN_LIFETIME, ActorboundOptions.MAX_CHAIN_DEPTH)) {
            System.clearProperty(NEW + option);
            System.clearProperty(OLD + option);
        }
    }

    @Test
    void unsetMeansDefaultsAndNoWarning() {
        assertThat(init()).isEqualTo(ActorboundOptions.DEFAULTS);
        assertThat(warnings).isEmpty();
    }

    @Test
    void newNamesAreRead() {
        System.setProperty(NEW + ActorboundOptions.MAX_CHAIN_DEPTH, "5");
        System.setProperty(NEW + ActorboundOptions.DELEGATED_TOKEN_LIFETIME, "120");

        assertThat(init()).isEqualTo(new ActorboundOptions(120, 5));
        assertThat(warnings).isEmpty();
    }

    @Test
    void oldNameStillWorksWithADeprecationWarning() {
        System.setProperty(OLD + ActorboundOptions.MAX_CHAIN_DEPTH, "4");

        assertThat(init().maxChainDepth()).isEqualTo(4);
        assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning.getMessage())
                .contains("--spi-required-action--actorbound-agent-consent--max-chain-depth is deprecated")
                .contains("--spi-actorbound--default--max-chain-depth"));
    }

    @Test
    void newNameWinsOverOldName() {
        System.setProperty(OLD + ActorboundOptions.MAX_CHAIN_DEPTH, "4");
        System.setProperty(NEW + ActorboundOptions.MAX_CHAIN_DEPTH, "2");

        assertThat(init().maxChainDepth()).isEqualTo(2);
        assertThat(warnings).isEmpty();
    }

    @Test
    void outOfRangeFallsBackToTheSafeDefault() {
        System.setProperty(NEW + ActorboundOptions.MAX_CHAIN_DEPTH, "50");

        assertThat(init().maxChainDepth()).isEqualTo(ActorboundOptions.DEFAULTS.maxChainDepth());
    }

    @Test
    void everyOptionIsDeclaredForKeycloakToList() {
        assertThat(new OptionsProviderFactory().getConfigMetadata()).extracting(p -> p.getName())
                .containsExactlyInAnyOrder(ActorboundOptions.DELEGATED_TOKEN_LIFETIME, ActorboundOptions.MAX_CHAIN_DEPTH);
    }

    private static ActorboundOptions init() {
        OptionsProviderFactory factory = new OptionsProviderFactory();
        factory.init(new Config.SystemPropertiesScope(NEW));
        return factory.create(null).options();
    }
}
