package dev.actorbound.resourceserver;

import java.security.Key;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

/**
 * Verifies a JWT access token locally: an accepted asymmetric algorithm (never {@code none}, never HMAC, whose
 * "secret" an attacker could take from the public key), a key of the realm's JWKS, then the claims. The signature is
 * checked before any claim is read, so that no answer depends on what a forged token says.
 */
public final class JwksTokenVerifier implements TokenVerifier {

    /** RSA and ECDSA. EdDSA is left out: Nimbus verifies it only with Google Tink on the class path. */
    static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

    private final JwksCache keys;
    private final Set<JWSAlgorithm> algorithms;
    private final ClaimsValidator claims;

    JwksTokenVerifier(JwksCache keys, Set<JWSAlgorithm> algorithms, ClaimsValidator claims) {
        this.keys = keys;
        this.algorithms = Set.copyOf(algorithms);
        this.claims = claims;
    }

    @Override
    public DelegatedPrincipal verify(String token) throws Refusal {
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw Refusal.invalidToken("the token is signed with an algorithm this resource does not accept");
        }
        verifySignature(jwt, keys.candidates(header));
        Map<String, Object> payload;
        try {
            payload = jwt.getJWTClaimsSet().toJSONObject();
        } catch (ParseException e) {
            throw malformed();
        }
        claims.validate(header.getType() == null ? null : header.getType().getType(), payload);
        return DelegatedPrincipal.fromTokenClaims(payload);
    }

    private static SignedJWT parse(String token) throws Refusal {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw malformed();
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw Refusal.invalidToken("the token is not signed");
        }
        return signed;
    }

    private static void verifySignature(SignedJWT jwt, List<JWK> candidates) throws Refusal {
        if (candidates.isEmpty()) {
            throw Refusal.invalidToken("the token is signed with a key the authorization server does not publish");
        }
        for (JWK candidate : candidates) {
            if (!(candidate instanceof AsymmetricJWK asymmetric)) {
                continue;
            }
            try {
                Key key = asymmetric.toPublicKey();
                JWSVerifier verifier = VERIFIERS.createJWSVerifier(jwt.getHeader(), key);
                if (jwt.verify(verifier)) {
                    return;
                }
            } catch (JOSEException e) {
                // a key of the wrong kind or size cannot have signed it; try the next
            }
        }
        throw Refusal.invalidToken("the token's signature is invalid");
    }

    private static Refusal malformed() {
        return Refusal.invalidToken("the token is malformed");
    }
}
