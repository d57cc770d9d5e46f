package dev.actorbound.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.actorbound.keycloak.core.OptionsProviderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * Every provider factory the jar registers goes through the version gate (SupportedKeycloak), so that on an
 * unsupported Keycloak none of them is active; the one exception is the options holder, which logs that line.
 */
class VersionGateTest {

    /** Every service file of the jar but the one that registers our SPIs themselves (they are not factories). */
    static Stream<String> registeredFactories() throws IOException, URISyntaxException {
        Path services = Path.of(VersionGateTest.class.getResource("/META-INF/services/org.keycloak.provider.Spi").toURI())
                .getParent();
        List<String> factories = new ArrayList<>();
        try (Stream<Path> files = Files.list(services)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(Spi.class.getName())).toList()) {
                Files.readAllLines(file).stream().map(String::trim)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(factories::add);
            }
        }
        assertThat(factories).hasSizeGreaterThan(20);
        return factories.stream().filter(name -> !name.equals(OptionsProviderFactory.class.getName()));
    }

    @ParameterizedTest
    @MethodSource("registeredFactories")
    void factoryAsksTheGate(String className) throws Exception {
        Class<?> type = Class.forName(className);

        assertThat(EnvironmentDependentProviderFactory.class.isAssignableFrom(type))
                .as("%s must implement EnvironmentDependentProviderFactory", className).isTrue();
        ProviderFactory<?> factory = (ProviderFactory<?>) type.getDeclaredConstructor().newInstance();
        assertThat(((EnvironmentDependentProviderFactory) factory).isSupported(null))
                .as("%s on the Keycloak the tests run against (supported)", className).isTrue();
    }
}
