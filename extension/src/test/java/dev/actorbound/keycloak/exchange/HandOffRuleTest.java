package dev.actorbound.keycloak.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.AgentSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PROTOCOL §3: who may take over from the current actor, and how deep a chain may grow. */
class HandOffRuleTest {

    private static final String BOOKING = "booking-agent";
    private static final String BOOKING_SUB = "0c7f-booking-service-account";

    private static AgentSettings delegatingTo(String... delegates) {
        return new AgentSettings(List.of(), List.of(delegates), OptionalInt.empty(), false, OptionalInt.empty());
    }

    private static AgentSettings withDepth(OptionalInt depth) {
        return new AgentSettings(List.of(), List.of(), depth, false, OptionalInt.empty());
    }

    @Test
    void aListedDelegateMayTakeOver() {
        assertThat(HandOffRule.mayTakeOver(delegatingTo("payment-agent", BOOKING), BOOKING, BOOKING_SUB, null)).isTrue();
    }

    @Test
    void anUnlistedAgentMayNot() {
        assertThat(HandOffRule.mayTakeOver(delegatingTo("payment-agent"), BOOKING, BOOKING_SUB, null)).isFalse();
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, null)).isFalse();
    }

    /** Delegates are client_ids, compared exactly: no prefix, no case folding. */
    @ParameterizedTest
    @CsvSource({"booking", "Booking-Agent", "booking-agent-2", "' booking-agent'"})
    void delegatesMatchExactly(String listed) {
        assertThat(HandOffRule.mayTakeOver(delegatingTo(listed), BOOKING, BOOKING_SUB, null)).isFalse();
    }

    @Test
    void mayActNamingTheRequesterByClientIdOrSubjectAllowsIt() {
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, Map.of("client_id", BOOKING))).isTrue();
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, Map.of("sub", BOOKING_SUB))).isTrue();
    }

    @Test
    void mayActNamingSomeoneElseOrMalformedAllowsNothing() {
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, Map.of("client_id", "payment-agent"))).isFalse();
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, Map.of("sub", "other-sub"))).isFalse();
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, BOOKING)).as("a string, not an object").isFalse();
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, List.of(BOOKING))).isFalse();
        assertThat(HandOffRule.mayTakeOver(delegatingTo(), BOOKING, BOOKING_SUB, Map.of())).isFalse();
    }

    @ParameterizedTest(name = "server {0}, agent {1} -> {2}")
    @CsvSource({"3, , 3", "3, 2, 2", "3, 1, 1", "3, 5, 3", "1, 4, 1", "10, 10, 10"})
    void theAgentCanOnlyLowerTheServersMaximum(int server, Integer agent, int expected) {
        OptionalInt own = agent == null ? OptionalInt.empty() : OptionalInt.of(agent);
        assertThat(HandOffRule.maxDepth(new ActorboundOptions(300, server), withDepth(own))).isEqualTo(expected);
    }
}
