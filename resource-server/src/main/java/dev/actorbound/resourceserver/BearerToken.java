package dev.actorbound.resourceserver;

import java.util.regex.Pattern;

/** Reads the token out of an {@code Authorization} header value (RFC 6750 §2.1). */
final class BearerToken {

    /** RFC 6750 §2.1 {@code b64token}. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    /** Header values past this length are no token worth parsing (Keycloak's are a few kilobytes). */
    static final int MAX_LENGTH = 20_000;

    private BearerToken() {
    }

    static String fromAuthorizationHeader(String header) throws Refusal {
        if (header == null || header.isBlank()) {
            throw Refusal.noToken();
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!"Bearer".equalsIgnoreCase(scheme)) {
            // another scheme (Basic, DPoP, ...): the client has not sent what this resource takes
            throw Refusal.noToken();
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (token.isEmpty() || token.length() > MAX_LENGTH || !B64TOKEN.matcher(token).matches()) {
            throw Refusal.invalidRequest("the Authorization header does not carry a well-formed bearer token");
        }
        return token;
    }
}
