package dev.actorbound.it;

import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies Keycloak's tokens with Nimbus JOSE+JWT only, independently of Keycloak's own code: RS256 signature by a
 * key of the realm's JWKS, exact {@code iss}, and {@code exp} in the future (no clock skew allowed).
 */
public final class Jwt {

    private Jwt() {
    }

    public static JWTClaimsSet verify(String token, TestRealm realm) {
        return verify(token, realm.issuer(), realm.jwksUrl());
    }

    public static JWTClaimsSet verify(String token, String issuer, String jwksUrl) {
        if (token == null || token.isBlank()) {
            throw new AssertionError("no token to verify");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(load(jwksUrl))));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("iss", "exp", "iat"));
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
        try {
            return processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AssertionError("token rejected by independent verification: " + e.getMessage(), e);
        }
    }

    private static JWKSet load(String jwksUrl) {
        try {
            return JWKSet.load(URI.create(jwksUrl).toURL());
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot load the JWKS at " + jwksUrl, e);
        }
    }
}
