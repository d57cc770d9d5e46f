package dev.actorbound.keycloak.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RequestedActorTest {

    @Test
    void absentWhenNeitherSentNorKept() {
        RequestedActor actor = RequestedActor.parse(List.of(), null);
        assertThat(actor.isPresent()).isFalse();
        assertThat(actor.isRejected()).isFalse();
    }

    @Test
    void acceptsValueKeptByKeycloak() {
        RequestedActor actor = RequestedActor.parse(List.of("planner-agent"), "planner-agent");
        assertThat(actor.value()).isEqualTo("planner-agent");
        assertThat(actor.error()).isNull();
    }

    @Test
    void acceptsValueFromRequestObjectWhenNotInQuery() {
        assertThat(RequestedActor.parse(null, "planner-agent").value()).isEqualTo("planner-agent");
    }

    @Test
    void rejectsRepeatedParameter() {
        assertThat(RequestedActor.parse(List.of("a", "b"), "a").error()).isEqualTo("requested_actor must be sent only once");
    }

    @Test
    void rejectsEmptyValue() {
        assertThat(RequestedActor.parse(List.of(""), null).error()).isEqualTo("requested_actor must not be empty");
        assertThat(RequestedActor.parse(List.of("   "), null).error()).isEqualTo("requested_actor must not be empty");
    }

    @Test
    void rejectsOverlongValueButAcceptsTheLimit() {
        String limit = "a".repeat(255);
        assertThat(RequestedActor.parse(List.of(limit), limit).value()).isEqualTo(limit);
        String over = "a".repeat(256);
        assertThat(RequestedActor.parse(List.of(over), over).error()).contains("longer than 255 characters");
    }

    @Test
    void rejectsValueDroppedByParameterLimits() {
        assertThat(RequestedActor.parse(List.of("planner-agent"), null).error()).contains("dropped");
    }

    @Test
    void rejectsValueTruncatedOrAlteredByKeycloak() {
        assertThat(RequestedActor.parse(List.of("planner-agent\u0007"), "planner-agent").error()).contains("dropped");
    }
}
