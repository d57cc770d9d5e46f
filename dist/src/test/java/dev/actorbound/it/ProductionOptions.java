package dev.actorbound.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The production-mode options shared by {@code docker-compose.yml} ({@code env_file}) and the PostgreSQL pass of
 * these tests: {@code src/main/container/keycloak.env}, {@code KC_*=value} lines as Docker Compose reads them.
 */
final class ProductionOptions {

    static final Path FILE = Path.of("src/main/container/keycloak.env");

    private ProductionOptions() {
    }

    /** The variables of the file, in order; blank lines and {@code #} comments skipped. */
    static Map<String, String> read() {
        try {
            Map<String, String> options = new LinkedHashMap<>();
            for (String line : Files.readAllLines(FILE)) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalStateException(FILE + ": not a NAME=value line: " + line);
                }
                options.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
            }
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath(), e);
        }
    }

    /** {@code KC_HOSTNAME_STRICT} → {@code hostname-strict}: the CLI option a Keycloak variable sets. */
    static String optionName(String variable) {
        if (!variable.startsWith("KC_")) {
            throw new IllegalArgumentException(variable + " is not a Keycloak option variable");
        }
        return variable.substring(3).toLowerCase().replace('_', '-');
    }
}
