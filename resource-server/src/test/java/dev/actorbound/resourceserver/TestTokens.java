package dev.actorbound.resourceserver;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Test keys and Keycloak-shaped access tokens signed with them (the claims PROTOCOL §8 shows). */
final class TestTokens {

    static final String ISSUER = "https://id.example.org/realms/demo";
    static final String AUDIENCE = "travel-api";
    static final String RESOURCE = "https://api.example.org/trips";
    static final String METADATA_URL = "https://api.example.org/.well-known/oauth-protected-resource/trips";
    static final String ALICE = "7a1e0c2d-alice";
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    static final RSAKey KEY_1 = rsa("key-1");
    static final RSAKey KEY_2 = rsa("key-2");
    static final ECKey EC_KEY = ec("ec-1");

    private TestTokens() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS of these keys, as Keycloak serves it. */
    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    /** A delegated token's claims at {@link #NOW}: alice, via planner-agent, reader, scope openid trips.read. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(List.of(AUDIENCE, "account"))
                .subject(ALICE)
                .claim("preferred_username", "alice")
                .claim("typ", "Bearer")
                .claim("azp", "travel-planner")
                .claim("client_id", "travel-planner")
                .claim("scope", "openid trips.read")
                .claim("realm_access", Map.of("roles", List.of("reader")))
                .claim("resource_access", Map.of("travel-api", Map.of("roles", List.of("viewer"))))
                .claim("act", act("planner-agent"))
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString());
    }

    /** The {@code act} claim of a chain, newest (acting) agent first; each actor's sub is {@code sa-<client_id>}. */
    static Map<String, Object> act(String... newestFirst) {
        Map<String, Object> act = null;
        for (int i = newestFirst.length - 1; i >= 0; i--) {
            Map<String, Object> actor = new LinkedHashMap<>();
            actor.put("sub", "sa-" + newestFirst[i]);
            actor.put("client_id", newestFirst[i]);
            if (act != null) {
                actor.put("act", act);
            }
            act = actor;
        }
        return act;
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        return sign(key, claims, JOSEObjectType.JWT);
    }

    static String sign(JWK key, JWTClaimsSet claims, JOSEObjectType type) {
        try {
            boolean rsa = key instanceof RSAKey;
            JWSHeader header = new JWSHeader.Builder(rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                    .keyID(key.getKeyID()).type(type).build();
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
