package dev.actorbound.keycloak.consent;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.keycloak.TokenCategory;
import org.keycloak.common.VerificationException;
import org.keycloak.crypto.KeyType;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.MacSignatureSignerContext;
import org.keycloak.crypto.MacSignatureVerifierContext;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Signs consent records with the realm's internal HMAC key and reads only records signed that way. Keycloak's
 * generic token decoding verifies with whatever algorithm and key a header names (an RS256 header against the
 * realm's public signing keys, say); a record is different: it is read only when its header names exactly the
 * algorithm it is signed with and the id of a secret (OCT) key of this realm.
 */
final class ConsentSignature {

    private final KeycloakSession session;
    private final RealmModel realm;

    ConsentSignature(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    String sign(ConsentRecord record) {
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, algorithm());
        return new JWSBuilder().type("JWT").jsonContent(record).sign(new MacSignatureSignerContext(key));
    }

    Optional<ConsentRecord> verify(String value) {
        try {
            JWSInput jws = new JWSInput(value);
            String algorithm = algorithm();
            String kid = jws.getHeader().getKeyId();
            if (!algorithm.equals(jws.getHeader().getRawAlgorithm()) || kid == null || jws.getSignature() == null) {
                return Optional.empty();
            }
            KeyWrapper key = session.keys().getKey(realm, kid, KeyUse.SIG, algorithm);
            if (key == null || !KeyType.OCT.equals(key.getType())) {
                return Optional.empty();
            }
            byte[] input = jws.getEncodedSignatureInput().getBytes(StandardCharsets.UTF_8);
            return new MacSignatureVerifierContext(key).verify(input, jws.getSignature())
                    ? Optional.of(jws.readJsonContent(ConsentRecord.class))
                    : Optional.empty();
        } catch (JWSInputException | VerificationException e) {
            return Optional.empty();
        }
    }

    /** HS512, the algorithm of Keycloak's own internal tokens. */
    private String algorithm() {
        return session.tokens().signatureAlgorithm(TokenCategory.INTERNAL);
    }
}
