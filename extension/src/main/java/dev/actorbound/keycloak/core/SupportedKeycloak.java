package dev.actorbound.keycloak.core;

import java.util.List;

import org.keycloak.common.Version;

/**
 * The Keycloak versions this jar works on, in one place. The extension builds on internal SPIs and classes that change
 * between minor releases without notice: on 26.4.7 and 26.5.6 the jar loads, but token exchange, introspection and
 * the code grant fail with {@code NoSuchMethodError} / {@code NoSuchFieldError}, and neither has the refresh-token SPI, so
 * delegated refresh would fail open (README, Compatibility). So on any other version every provider factory of ours
 * answers {@code isSupported} with {@code false} (Keycloak then leaves it out when it builds its providers and its own
 * providers serve), those that replace one of Keycloak's by id also rank below it ({@link #order}), the JAX-RS filter
 * lets every request pass, and {@link OptionsProviderFactory} logs one line at every start saying so.
 *
 * <p>A version is supported when its {@code major.minor} is one of {@link #LINES}: patch releases of one line keep
 * the internal APIs we use in practice, and 26.7.3 is the release every test runs against.
 */
public final class SupportedKeycloak {

    /** Minor lines the jar works on; each was tested with the release the README's Compatibility table names. */
    public static final List<String> LINES = List.of("26.7");

    /** Below the default order 0 of Keycloak's own factories. */
    static final int STOCK_WINS = -100;


    private SupportedKeycloak() {
    }

    /**
     * The order of a factory that replaces Keycloak's by the same id ({@code authorization_code}, the client-policy
     * manager, introspection types): {@code supported} where the jar is supported, else below Keycloak's (which is 0),
     * so that Keycloak keeps its own factory when the two are merged. {@code isSupported} alone cannot do that:
     * Keycloak keeps one factory per id, the higher order, before it asks, and would drop ours and its own.
     */
    public static int order(int supported) {
        return running() ? supported : STOCK_WINS;
    }

    /** Whether the Keycloak this code runs in is supported ({@link Version#VERSION}). */
    public static boolean running() {
        return Running.SUPPORTED;
    }

    /**
     * Read once, on first use: the JAX-RS filter asks on every request. A holder of its own, so that {@link #supports}
     * needs no Keycloak classes (the integration tests call it without them).
     */
    private static final class Running {
        static final boolean SUPPORTED = supports(Version.VERSION);
    }

    /** Whether {@code version} ({@code 26.7.3}, {@code 26.7.10-SNAPSHOT}, ...) belongs to a supported line. */
    public static boolean supports(String version) {
        if (version == null) {
            return false;
        }
        return LINES.stream().anyMatch(line -> version.startsWith(line + ".") && patchIsNumeric(version, line));
    }

    private static boolean patchIsNumeric(String version, String line) {
        String rest = version.substring(line.length() + 1);
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        return end > 0 && (end == rest.length() || rest.charAt(end) == '-' || rest.charAt(end) == '.');
    }

    /** The one line logged at start-up on an unsupported version. */
    static String unsupportedMessage(String running) {
        return "Actorbound " + OperationalInfo.version() + " is INACTIVE: Keycloak " + running + " is not a supported version (supported: "
                + String.join(", ", LINES.stream().map(line -> line + ".x").toList())
                + "). All Actorbound providers are switched off and Keycloak behaves as without the extension: "
                + "no delegation, no agent consent, no Actorbound pages. Install the Actorbound release built for "
                + "this Keycloak version.";
    }
}
