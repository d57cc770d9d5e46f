package dev.actorbound.keycloak.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Binds an authorization code to an agent. {@code OAuth2Code} has no room for extra data, so the binding is
 * a client-session note keyed by a hash of the code's PKCE challenge: one client session may carry codes
 * for several agents (two tabs, SSO), and each code finds exactly its own binding.
 *
 * @param resource the RFC 8707 {@code resource} of the authorization request, or {@code null}: kept per code, since
 *                 the client session's own note of it belongs to whichever request came last
 */
public record DelegationBinding(String agentClientUuid, String agentClientId, String serviceAccountId, String resource) {

    static final String NOTE_PREFIX = "actorbound.binding.";
    /** Plain Jackson: a record of four strings needs none of the modules Keycloak's own mapper registers. */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a binding's note holds once its code was presented: a later code with the same challenge is refused. */
    public static final String USED = "used";

    public static String noteKey(String codeChallenge) {
        return NOTE_PREFIX + sha256(codeChallenge);
    }

    /** The S256 challenge that a verifier answers: only codes whose verifier checked out reach this. */
    public static String s256Challenge(String codeVerifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    public String encode() {
        try {
            return JSON.writeValueAsString(this);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("binding cannot be serialized", e);
        }
    }

    public static DelegationBinding decode(String note) {
        if (note == null) {
            return null;
        }
        try {
            return JSON.readValue(note, DelegationBinding.class);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String sha256(String value) {
        return s256Challenge(value);
    }
}
