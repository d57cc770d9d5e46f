package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL §2.2: a code is bound to exactly one agent, found through the code's own PKCE challenge. */
class DelegationBindingTest {

    /** RFC 7636 appendix B. */
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static final DelegationBinding BINDING =
            new DelegationBinding("uuid-of-planner", "planner-agent", "sub-of-planner-service-account", null, 1_000);

    @Test
    void theVerifierLeadsToTheNoteOfItsChallenge() {
        assertThat(DelegationBinding.s256Challenge(VERIFIER)).isEqualTo(CHALLENGE);
        assertThat(DelegationBinding.noteKey(DelegationBinding.s256Challenge(VERIFIER)))
                .isEqualTo(DelegationBinding.noteKey(CHALLENGE));
    }

    @Test
    void eachChallengeHasItsOwnNote() {
        assertThat(DelegationBinding.noteKey(CHALLENGE)).isNotEqualTo(DelegationBinding.noteKey(CHALLENGE + "x"));
        assertThat(DelegationBinding.noteKey(CHALLENGE)).as("the note names a hash, not the challenge itself")
                .startsWith("actorbound.binding.").doesNotContain(CHALLENGE);
    }

    @Test
    void aBindingReadsBackAsItWasWritten() {
        assertThat(DelegationBinding.decode(BINDING.encode())).isEqualTo(BINDING);
    }

    /** A used code's tombstone, a missing note and garbage all mean "no binding": the redemption is refused. */
    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {DelegationBinding.USED, "", "{", "[]", "not json"})
    void anythingElseIsNoBinding(String note) {
        assertThat(DelegationBinding.decode(note)).isNull();
    }

    @Test
    void aNoteOfAnEarlierVersionReadsWithoutItsTime() {
        DelegationBinding legacy = DelegationBinding.decode(
                "{\"agentClientUuid\":\"u\",\"agentClientId\":\"planner-agent\",\"serviceAccountId\":\"s\",\"resource\":null}");
        assertThat(legacy).isEqualTo(new DelegationBinding("u", "planner-agent", "s", null, 0));
    }

    /**
     * A long SSO session must not collect one note per delegated authorization: a binding goes once its code can no
     * longer be redeemed, and so do notes of earlier versions (no time, or the old "used" mark) and unreadable ones;
     * other notes stay.
     */
    @Test
    void bindingNotesGoOnceTheyExpire() {
        long lifespan = 1_860;
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put(DelegationBinding.noteKey("fresh"), binding(10_000 - 60));
        notes.put(DelegationBinding.noteKey("at-the-limit"), binding(10_000 - 1_860));
        notes.put(DelegationBinding.noteKey("expired"), binding(10_000 - 1_861));
        notes.put(DelegationBinding.noteKey("earlier-version"), binding(0));
        notes.put(DelegationBinding.noteKey("earlier-version-used"), DelegationBinding.USED);
        notes.put(DelegationBinding.noteKey("garbage"), "not json");
        notes.put("SCOPE", "openid");
        notes.put("iss", binding(1));

        assertThat(DelegationBinding.expiredNotes(notes, 10_000, lifespan)).containsExactlyInAnyOrder(
                DelegationBinding.noteKey("expired"), DelegationBinding.noteKey("earlier-version"),
                DelegationBinding.noteKey("earlier-version-used"), DelegationBinding.noteKey("garbage"));
    }

    @Test
    void eachClientSessionAndChallengeHasItsOwnUsedMark() {
        String key = DelegationBinding.usedKey("user-session", "app-uuid", CHALLENGE);
        assertThat(key).doesNotContain(CHALLENGE)
                .isNotEqualTo(DelegationBinding.usedKey("other-session", "app-uuid", CHALLENGE))
                .isNotEqualTo(DelegationBinding.usedKey("user-session", "other-app", CHALLENGE))
                .isNotEqualTo(DelegationBinding.usedKey("user-session", "app-uuid", CHALLENGE + "x"));
    }

    private static String binding(long boundAt) {
        return new DelegationBinding("uuid-of-planner", "planner-agent", "sub", null, boundAt).encode();
    }
}
