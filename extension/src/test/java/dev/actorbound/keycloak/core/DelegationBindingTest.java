package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

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
            new DelegationBinding("uuid-of-planner", "planner-agent", "sub-of-planner-service-account", null);

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
}
