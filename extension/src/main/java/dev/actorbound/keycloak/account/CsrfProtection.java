package dev.actorbound.keycloak.account;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.models.UserSessionModel;

/**
 * Keeps other sites from revoking in the user's name. Keycloak's SSO cookies are {@code SameSite=None}, so a
 * cross-site form would carry them: a revoke must present the token that only the page of this SSO session shows,
 * and must come from a page of this server's own origin.
 */
final class CsrfProtection {

    static final String FIELD = "csrf_token";
    private static final String NOTE = "actorbound.my-agents.csrf";
    private static final String SAME_ORIGIN = "same-origin";

    private CsrfProtection() {
    }

    /** The token of this SSO session, created on first use; it lives and ends with the session. */
    static String token(UserSessionModel userSession) {
        String token = userSession.getNote(NOTE);
        if (token == null) {
            token = SecretGenerator.getInstance().randomString(43);
            userSession.setNote(NOTE, token);
        }
        return token;
    }

    static boolean tokenMatches(UserSessionModel userSession, String presented) {
        String expected = userSession.getNote(NOTE);
        return expected != null && presented != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Keycloak's default {@code Referrer-Policy: no-referrer} makes browsers send {@code Origin: null} on form posts,
     * so {@code Sec-Fetch-Site} speaks where {@code Origin} cannot. Any header that is present must say "same origin",
     * and at least one must: a request that proves nothing is refused.
     */
    static boolean sameOrigin(HttpHeaders headers, URI baseUri) {
        return sameOrigin(headers.getHeaderString("Origin"), headers.getHeaderString("Sec-Fetch-Site"), baseUri);
    }

    static boolean sameOrigin(String origin, String fetchSite, URI baseUri) {
        boolean originKnown = origin != null && !origin.isBlank() && !"null".equals(origin.trim());
        if (originKnown && !origin.trim().equalsIgnoreCase(originOf(baseUri))) {
            return false;
        }
        if (fetchSite != null && !SAME_ORIGIN.equalsIgnoreCase(fetchSite.trim())) {
            return false;
        }
        return originKnown || fetchSite != null;
    }

    static String originOf(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
