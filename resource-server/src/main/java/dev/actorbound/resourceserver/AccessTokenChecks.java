package dev.actorbound.resourceserver;

import java.util.Map;

/**
 * What makes a verified token an access token this library accepts, beyond its signature and times: Keycloak marks
 * access tokens with the claim {@code typ: Bearer} (ID tokens say {@code ID}, DPoP-bound tokens {@code DPoP});
 * RFC 9068 access tokens say so in the header ({@code typ: at+jwt}) instead. Sender-constrained tokens ({@code cnf}:
 * DPoP or mTLS bound) are refused, since accepting them needs a proof this library does not verify; accepting them as
 * bearer tokens would throw away their protection.
 *
 * <p>Public for integrations that verify signatures themselves (the Spring Security converter).
 */
public final class AccessTokenChecks {

    private AccessTokenChecks() {
    }

    /**
     * @param headerType the JOSE header's {@code typ}, or null (introspection answers have none)
     * @param claims the token's claims, or an introspection answer (whose {@code token_type} counts as well)
     */
    public static void check(String headerType, Map<String, ?> claims) throws Refusal {
        boolean rfc9068 = headerType != null
                && ("at+jwt".equalsIgnoreCase(headerType) || "application/at+jwt".equalsIgnoreCase(headerType));
        if (headerType != null && !rfc9068 && !"JWT".equalsIgnoreCase(headerType)) {
            throw notAnAccessToken();
        }
        String typ = Claims.string(claims, "typ");
        String tokenType = Claims.string(claims, "token_type");
        if (typ != null && !"Bearer".equalsIgnoreCase(typ) || tokenType != null && !"Bearer".equalsIgnoreCase(tokenType)) {
            throw notAnAccessToken();
        }
        if (typ == null && tokenType == null && !rfc9068) {
            throw notAnAccessToken();
        }
        if (claims.get("cnf") != null) {
            throw Refusal.invalidToken("the token is sender-constrained (cnf); this resource accepts bearer tokens only");
        }
    }

    private static Refusal notAnAccessToken() {
        return Refusal.invalidToken("the token is not a bearer access token");
    }
}
