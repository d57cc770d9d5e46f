package dev.actorbound.it;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * The realm every differential scenario runs in, imported as one representation into both servers under the same
 * name. Only plain OAuth clients, nothing delegated: what an existing deployment has before it installs the jar.
 * <ul>
 * <li>user {@code alice} / {@code alice-password}: realm roles {@code reader}, {@code writer}, client role
 *     {@code target-api / read};</li>
 * <li>{@code spa} (public, any PKCE method) and {@code spa-s256} (public, S256 required);</li>
 * <li>{@code backend} (client secret, code + password grant, its tokens name {@code exchanger} in {@code aud}, its
 *     redirect URIs are its post-logout redirects too);</li>
 * <li>{@code other} (client secret, introspects), {@code light} (lightweight access tokens, password grant);</li>
 * <li>{@code exchanger} (standard token exchange V2, may ask for {@code target-api}), {@code target-api};</li>
 * <li>{@code jwt-secret} (client_secret_jwt) and {@code jwt-key} (private_key_jwt, signed request objects, PAR);</li>
 * <li>{@code dpop} (public, DPoP-bound tokens), {@code par-required}, {@code device} (device grant), {@code ciba}
 *     (client secret, CIBA in poll mode, a second between polls);</li>
 * <li>{@code strict} (private_key_jwt, client role {@code oauth21}: the target of the OAuth 2.1 client policy, which
 *     {@link #applyClientPolicy} sets after the import).</li>
 * </ul>
 */
final class DifferentialRealm {

    static final String REDIRECT_URI = TestRealm.REDIRECT_URI;
    /**
     * {@code strict}'s redirect: OAuth 2.1 wants loopback redirects as IP literals, registered without a port (RFC 8252
     * 7.3). Keycloak 26.7.3's {@code oauth-2-1-for-confidential-client} profile still refuses it at the authorization
     * endpoint ("invalid loopback address") on both servers, so that scenario compares the profile's refusals.
     */
    static final String LOOPBACK_REGISTERED_URI = "http://127.0.0.1/callback";
    static final String LOOPBACK_REDIRECT_URI = "http://127.0.0.1:8089/callback";
    static final String ALICE = "alice";
    static final String ALICE_PASSWORD = "alice-password";
    static final String BACKEND_SECRET = "backend-secret";
    static final String OTHER_SECRET = "other-secret";
    static final String EXCHANGER_SECRET = "exchanger-secret";
    static final String TARGET_SECRET = "target-secret";
    static final String PAR_SECRET = "par-secret";
    static final String CIBA_SECRET = "ciba-secret";
    /** HS256 needs at least 256 bits of key. */
    static final String JWT_SECRET = "jwt-secret-0123456789-0123456789-0123456789";

    private static final SecureRandom RANDOM = new SecureRandom();

    private DifferentialRealm() {
    }

    /** A fresh name, the same on both servers. */
    static String newName() {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return "diff-" + HexFormat.of().formatHex(suffix);
    }

    /** The realm representation; {@code clientKey} is the key pair of {@code jwt-key} and {@code strict}. */
    static Map<String, Object> representation(String name, RSAKey clientKey) {
        String jwks = new JWKSet(clientKey.toPublicJWK()).toString();
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("eventsEnabled", true);
        realm.put("adminEventsEnabled", true);
        // CIBA in poll mode; polls a second apart, so that a scenario need not wait Keycloak's default five
        realm.put("attributes", Map.of("cibaBackchannelTokenDeliveryMode", "poll", "cibaExpiresIn", "120",
                "cibaInterval", "1", "cibaAuthRequestedUserHint", "login_hint"));
        realm.put("roles", Map.of(
                "realm", List.of(Map.of("name", "reader"), Map.of("name", "writer")),
                "client", Map.of("target-api", List.of(Map.of("name", "read")), "strict", List.of(Map.of("name", "oauth21")))));
        realm.put("users", List.of(Map.of("username", ALICE, "enabled", true, "email", "alice@example.org",
                "emailVerified", true, "firstName", "Alice", "lastName", "Example",
                "credentials", List.of(Map.of("type", "password", "value", ALICE_PASSWORD, "temporary", false)),
                "realmRoles", List.of("reader", "writer", "default-roles-" + name),
                "clientRoles", Map.of("target-api", List.of("read")))));
        realm.put("clients", List.of(
                client("spa", true, null, Map.of()),
                client("spa-s256", true, null, Map.of("pkce.code.challenge.method", "S256")),
                with(client("backend", false, BACKEND_SECRET, Map.of("post.logout.redirect.uris", "+")), Map.of("directAccessGrantsEnabled", true,
                        "protocolMappers", List.of(audience("exchanger")))),
                with(client("other", false, OTHER_SECRET, Map.of()), Map.of("standardFlowEnabled", false)),
                with(client("light", false, BACKEND_SECRET, Map.of("client.use.lightweight.access.token.enabled", "true")),
                        Map.of("directAccessGrantsEnabled", true)),
                with(client("exchanger", false, EXCHANGER_SECRET, Map.of("standard.token.exchange.enabled", "true")),
                        Map.of("standardFlowEnabled", false, "protocolMappers", List.of(audience("target-api")))),
                with(client("target-api", false, TARGET_SECRET, Map.of()), Map.of("standardFlowEnabled", false)),
                with(client("jwt-secret", false, JWT_SECRET, Map.of("token.endpoint.auth.signing.alg", "HS256")),
                        Map.of("clientAuthenticatorType", "client-secret-jwt", "serviceAccountsEnabled", true)),
                with(client("jwt-key", false, null, Map.of("use.jwks.string", "true", "jwks.string", jwks,
                        "token.endpoint.auth.signing.alg", "RS256", "request.object.signature.alg", "RS256")),
                        Map.of("clientAuthenticatorType", "client-jwt", "serviceAccountsEnabled", true)),
                client("dpop", true, null, Map.of("dpop.bound.access.tokens", "true")),
                client("par-required", false, PAR_SECRET, Map.of("require.pushed.authorization.requests", "true")),
                with(client("device", true, null, Map.of("oauth2.device.authorization.grant.enabled", "true")),
                        Map.of("standardFlowEnabled", false)),
                with(client("ciba", false, CIBA_SECRET, Map.of("oidc.ciba.grant.enabled", "true")),
                        Map.of("standardFlowEnabled", false)),
                with(client("strict", false, null, Map.of("use.jwks.string", "true", "jwks.string", jwks,
                        "token.endpoint.auth.signing.alg", "RS256")), Map.of("clientAuthenticatorType", "client-jwt",
                        "redirectUris", List.of(LOOPBACK_REGISTERED_URI)))));
        return realm;
    }

    /**
     * Puts {@code strict} under Keycloak's built-in {@code oauth-2-1-for-confidential-client} profile, through a realm
     * client policy on its {@code oauth21} role. Set after the import, so that the import itself is not judged by it.
     */
    static void applyClientPolicy(Admin admin, String realm) {
        admin.put("/realms/" + realm + "/client-policies/policies", Map.of("policies", List.of(Map.of(
                "name", "oauth-2-1-for-strict", "description", "OAuth 2.1 for the strict client", "enabled", true,
                "conditions", List.of(Map.of("condition", "client-roles", "configuration", Map.of("roles", List.of("oauth21")))),
                "profiles", List.of("oauth-2-1-for-confidential-client"))))).expectOk("set client policies");
    }

    private static Map<String, Object> client(String clientId, boolean isPublic, String secret, Map<String, String> attributes) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("enabled", true);
        client.put("publicClient", isPublic);
        if (secret != null) {
            client.put("secret", secret);
        }
        client.put("standardFlowEnabled", true);
        client.put("directAccessGrantsEnabled", false);
        client.put("redirectUris", List.of(REDIRECT_URI));
        client.put("attributes", attributes);
        return client;
    }

    private static Map<String, Object> with(Map<String, Object> client, Map<String, Object> more) {
        client.putAll(more);
        return client;
    }

    private static Map<String, Object> audience(String clientId) {
        return Map.of("name", "audience " + clientId, "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", clientId, "access.token.claim", "true",
                        "id.token.claim", "false", "introspection.token.claim", "true"));
    }
}
