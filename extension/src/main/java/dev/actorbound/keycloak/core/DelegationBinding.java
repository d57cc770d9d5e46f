package dev.actorbound.keycloak.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.models.RealmModel;

/**
 * Binds an authorization code to an agent. {@code OAuth2Code} has no room for extra data, so the binding is
 * a client-session note keyed by a hash of the code's PKCE challenge: one client session may carry codes
 * for several agents (two tabs, SSO), and each code finds exactly its own binding.
 * <p>
 * Presenting a bound code marks the binding used in Keycloak's single-use store ({@link #usedKey}), the way Keycloak
 * marks the code itself, rather than in the client session: a note written there at redemption makes Keycloak write
 * the whole client session again (to the database too, with persistent sessions), which cost a delegated redemption
 * more than everything else it does. So a binding note stays until it expires ({@link #lifespan}); the next consent
 * step in the same session drops expired ones ({@link #expiredNotes}), so that a long SSO session does not collect them.
 *
 * @param resource the RFC 8707 {@code resource} of the authorization request, or {@code null}: kept per code, since
 *                 the client session's own note of it belongs to whichever request came last
 * @param boundAt  when the consent step bound the code (epoch seconds); 0 for a note written by an earlier version
 */
public record DelegationBinding(String agentClientUuid, String agentClientId, String serviceAccountId, String resource,
                                long boundAt) {

    static final String NOTE_PREFIX = "actorbound.binding.";
    private static final String USED_PREFIX = "actorbound.used.";
    /** Plain Jackson: a record of a few strings needs none of the modules Keycloak's own mapper registers. */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Why a code is refused whose binding is past {@link #lifespan}: the login took longer than a login may. */
    public static final String EXPIRED = "the authorization code's agent binding has expired; start a new authorization request";
    /** The note earlier versions left in place of a binding whose code was presented. */
    public static final String USED = "used";

    /**
     * How long a binding can matter: the longest a login may still take after the consent step (the realm's login
     * and user-action lifespans), plus the code lifespan. A binding older than that is expired: its code is refused.
     */
    public static long lifespan(RealmModel realm) {
        return Math.max(realm.getAccessCodeLifespanLogin(), realm.getAccessCodeLifespanUserAction()) + realm.getAccessCodeLifespan();
    }

    /** Whether this binding is past {@code lifespan} at {@code now} (epoch seconds); one without a time always is. */
    public boolean expired(long now, long lifespan) {
        return boundAt <= 0 || now - boundAt > lifespan;
    }

    /** The single-use-store key that marks the binding of {@code codeChallenge} in this client session as used. */
    public static String usedKey(String userSessionId, String clientUuid, String codeChallenge) {
        return USED_PREFIX + userSessionId + "." + clientUuid + "." + sha256(codeChallenge);
    }

    /** The binding notes among a client session's {@code notes} that are expired at {@code now} or unreadable. */
    public static List<String> expiredNotes(Map<String, String> notes, long now, long lifespan) {
        return notes.entrySet().stream()
                .filter(note -> note.getKey().startsWith(NOTE_PREFIX))
                .filter(note -> {
                    DelegationBinding binding = decode(note.getValue());
                    return binding == null || binding.expired(now, lifespan);
                })
                .map(Map.Entry::getKey)
                .toList();
    }

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
        if (note == null || USED.equals(note)) {
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
