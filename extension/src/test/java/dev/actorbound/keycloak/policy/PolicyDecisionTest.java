package dev.actorbound.keycloak.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class PolicyDecisionTest {

    /** The consent step keeps a login's decision in the authentication session as JSON, across requests. */
    @Test
    void survivesTheAuthenticationSession() throws Exception {
        PolicyDecision decision = new PolicyDecision(PolicyDecision.Outcome.ALLOWED, Set.of("writer", "calendar:viewer"),
                Set.of("email"), "email", "writers need a ticket", "");

        String note = ConsentPolicy.write(decision);

        assertThat(ConsentPolicy.read(note)).isEqualTo(decision);
    }

    @Test
    void labels() {
        assertThat(PolicyDecision.NOT_ASKED.label()).isEmpty();
        assertThat(new PolicyDecision(PolicyDecision.Outcome.ALLOWED, Set.of(), Set.of(), "", "", "").label()).isEqualTo("allowed");
        assertThat(new PolicyDecision(PolicyDecision.Outcome.ALLOWED, Set.of(), Set.of("email"), "", "", "").label())
                .isEqualTo("narrowed");
        assertThat(new PolicyDecision(PolicyDecision.Outcome.DENIED, Set.of(), Set.of(), "", "", "").label()).isEqualTo("denied");
        assertThat(PolicyDecision.unavailable("timed out").label()).isEqualTo("unavailable");
    }

    @Test
    void onlyNotAskedAndAllowedAdmit() {
        assertThat(PolicyDecision.NOT_ASKED.admits()).isTrue();
        assertThat(new PolicyDecision(PolicyDecision.Outcome.ALLOWED, Set.of("writer"), Set.of(), "", "", "").admits()).isTrue();
        assertThat(new PolicyDecision(PolicyDecision.Outcome.DENIED, Set.of(), Set.of(), "", "", "").admits()).isFalse();
        assertThat(PolicyDecision.unavailable("down").admits()).isFalse();
    }
}
