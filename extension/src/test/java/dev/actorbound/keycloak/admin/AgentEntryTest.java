package dev.actorbound.keycloak.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

class AgentEntryTest {

    private static ComponentModel model(Map<String, List<String>> config) {
        ComponentModel model = new ComponentModel();
        MultivaluedHashMap<String, String> values = new MultivaluedHashMap<>();
        config.forEach(values::put);
        model.setConfig(values);
        return model;
    }

    @Test
    void parsesEveryFieldAndSplitsListsAsAdminsWriteThem() {
        AgentEntry entry = AgentEntry.from(model(Map.of(
                AgentEntry.AGENT, List.of(" planner-agent "),
                AgentEntry.ALLOWED_CLIENTS, List.of("travel-backend, travel-planner", "", "travel-backend"),
                AgentEntry.DELEGATES, List.of("booking-agent"),
                AgentEntry.MAX_CHAIN_DEPTH, List.of("2"),
                AgentEntry.TOKEN_LIFESPAN, List.of("120"),
                AgentEntry.REFRESH_ALLOWED, List.of("true"))));

        assertThat(entry).isEqualTo(new AgentEntry("planner-agent", List.of("travel-backend", "travel-planner"),
                List.of("booking-agent"), OptionalInt.of(2), OptionalInt.of(120), true));
    }

    @Test
    void emptyFieldsMeanDefaults() {
        AgentEntry entry = AgentEntry.from(model(Map.of(AgentEntry.AGENT, List.of("planner-agent"),
                AgentEntry.ALLOWED_CLIENTS, List.of(""), AgentEntry.MAX_CHAIN_DEPTH, List.of(""))));

        assertThat(entry).isEqualTo(new AgentEntry("planner-agent", List.of(), List.of(), OptionalInt.empty(),
                OptionalInt.empty(), false));
    }

    @ParameterizedTest
    @CsvSource({
            "agent,          '',   actorbound-agents-agent-required",
            "maxChainDepth,  0,    actorbound-agents-out-of-range",
            "maxChainDepth,  11,   actorbound-agents-out-of-range",
            "maxChainDepth,  two,  actorbound-agents-not-a-number",
            "tokenLifespan,  9,    actorbound-agents-out-of-range",
            "tokenLifespan,  3601, actorbound-agents-out-of-range",
            "refreshAllowed, yes,  actorbound-agents-not-a-boolean",
    })
    void rejectsValuesOutsideTheirType(String field, String value, String message) {
        Map<String, List<String>> config = new java.util.HashMap<>(Map.of(AgentEntry.AGENT, List.of("planner-agent")));
        config.put(field, List.of(value));

        assertThatThrownBy(() -> AgentEntry.from(model(config)))
                .isInstanceOf(ComponentValidationException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({"maxChainDepth, 1", "maxChainDepth, 10", "tokenLifespan, 10", "tokenLifespan, 3600"})
    void acceptsTheBoundsOfEachRange(String field, String value) {
        AgentEntry entry = AgentEntry.from(model(Map.of(AgentEntry.AGENT, List.of("planner-agent"), field, List.of(value))));

        OptionalInt parsed = field.equals(AgentEntry.MAX_CHAIN_DEPTH) ? entry.maxChainDepth() : entry.tokenLifespan();
        assertThat(parsed).hasValue(Integer.parseInt(value));
    }

    @Test
    void outOfRangeNamesTheFieldAndItsBoundsForTheAdmin() {
        assertThatThrownBy(() -> AgentEntry.from(model(Map.of(AgentEntry.AGENT, List.of("planner-agent"),
                AgentEntry.TOKEN_LIFESPAN, List.of("5000")))))
                .isInstanceOfSatisfying(ComponentValidationException.class, e -> assertThat(e.getParameters())
                        .containsExactly(Messages.TOKEN_LIFESPAN, "10", "3600"));
    }
}
