package dev.actorbound.keycloak.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What our provider factories show on the admin console's server info page (Provider info): the extension's
 * version and the option values in effect, so an admin can see which build runs and how it is configured without
 * reading the start command.
 */
public final class OperationalInfo {

    public static final String VERSION = "version";
    /** A resource Maven filters at build time: it survives shading, unlike a module jar's manifest. */
    private static final String RESOURCE = "actorbound.properties";
    private static final String VERSION_VALUE = readVersion();

    private OperationalInfo() {
    }

    /** The version first, then the given options in their order. */
    public static Map<String, String> of(Map<String, String> options) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put(VERSION, VERSION_VALUE);
        info.putAll(options);
        return info;
    }

    public static String version() {
        return VERSION_VALUE;
    }

    private static String readVersion() {
        Properties properties = new Properties();
        try (InputStream in = OperationalInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException unreadable) {
            // a missing version must never keep the providers from starting
        }
        return properties.getProperty(VERSION, "unknown");
    }
}
