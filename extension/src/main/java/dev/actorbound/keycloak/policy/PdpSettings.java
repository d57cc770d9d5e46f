package dev.actorbound.keycloak.policy;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.keycloak.models.RealmModel;

/**
 * A realm's policy decision point (PROTOCOL §9), read from realm attributes so that the admin console, admin REST,
 * kcadm and realm import all configure it the same way. No URL means no PDP: nothing is asked, nothing changes.
 * Settings that cannot be used (a malformed URL, a number out of range, a credential that is not a vault reference)
 * are kept as a {@link #problem()}: every delegation then fails closed instead of silently skipping the policy.
 *
 * @param url            the PDP's base URL, without a trailing slash
 * @param credential     a vault reference ({@code ${vault.<key>}}) to the bearer credential, or {@code null}
 * @param cacheTtlSeconds how long an answer may be reused; 0 = never (the default)
 * @param problem        why the settings cannot be used, or {@code null}
 */
public record PdpSettings(String url, int timeoutMillis, List<String> userAttributes, String credential,
                          int cacheTtlSeconds, String problem) {

    public static final String URL = "actorbound.pdp.url";
    public static final String TIMEOUT_MS = "actorbound.pdp.timeout-ms";
    public static final String USER_ATTRIBUTES = "actorbound.pdp.user-attributes";
    public static final String CREDENTIAL = "actorbound.pdp.credential";
    public static final String CACHE_TTL_SECONDS = "actorbound.pdp.cache-ttl-seconds";
    /** Every key, e.g. for clearing them all. */
    public static final List<String> KEYS = List.of(URL, TIMEOUT_MS, USER_ATTRIBUTES, CREDENTIAL, CACHE_TTL_SECONDS);
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[,\\s]+");

    public static final int DEFAULT_TIMEOUT_MS = 500;
    public static final int MIN_TIMEOUT_MS = 10;
    public static final int MAX_TIMEOUT_MS = 10_000;
    public static final int MAX_CACHE_TTL_SECONDS = 3600;

    /** Keycloak's own vault expression (DefaultVaultTranscriber): a literal secret would show in the realm's representation. */
    private static final Pattern VAULT_REFERENCE = Pattern.compile("^\\$\\{vault\\.(.+?)}$");

    public PdpSettings {
        userAttributes = List.copyOf(userAttributes);
    }

    /** Empty when the realm names no PDP. */
    public static Optional<PdpSettings> of(RealmModel realm) {
        return parse(realm.getAttribute(URL), realm.getAttribute(TIMEOUT_MS), realm.getAttribute(USER_ATTRIBUTES),
                realm.getAttribute(CREDENTIAL), realm.getAttribute(CACHE_TTL_SECONDS));
    }

    static Optional<PdpSettings> parse(String url, String timeout, String attributes, String credential, String cacheTtl) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String base = url.trim().replaceAll("/+$", "");
        List<String> names = list(attributes);
        String vault = credential == null || credential.isBlank() ? null : credential.trim();
        String problem = urlProblem(base);
        Integer millis = number(timeout, DEFAULT_TIMEOUT_MS, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
        Integer ttl = number(cacheTtl, 0, 0, MAX_CACHE_TTL_SECONDS);
        if (problem == null && millis == null) {
            problem = TIMEOUT_MS + " must be a whole number of milliseconds from " + MIN_TIMEOUT_MS + " to " + MAX_TIMEOUT_MS;
        }
        if (problem == null && ttl == null) {
            problem = CACHE_TTL_SECONDS + " must be a whole number of seconds from 0 to " + MAX_CACHE_TTL_SECONDS;
        }
        if (problem == null && vault != null && !isVaultReference(vault)) {
            problem = CREDENTIAL + " must be a vault reference such as ${vault.pdp-token}, never the secret itself";
        }
        return Optional.of(new PdpSettings(base, millis == null ? DEFAULT_TIMEOUT_MS : millis, names, vault,
                ttl == null ? 0 : ttl, problem));
    }

    public static boolean isVaultReference(String value) {
        return value != null && VAULT_REFERENCE.matcher(value.trim()).matches();
    }

    /** An absolute http(s) URL without query or fragment, or why not. */
    static String urlProblem(String url) {
        try {
            URI uri = URI.create(url);
            boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            if (web && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return null;
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        return URL + " must be an absolute http(s) URL without query or fragment";
    }

    /** Comma or whitespace separated names, in order, without duplicates. */
    static List<String> list(String value) {
        return value == null ? List.of() : Arrays.stream(NAME_SEPARATORS.split(value)).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** The number in range, {@code fallback} when absent, {@code null} when present but unusable. */
    static Integer number(String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            return parsed < min || parsed > max ? null : parsed;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
