package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a,b", "a b", " a , b ", "a,\nb", "a,,b"})
    void listsAcceptCommasAndWhitespace(String value) {
        assertThat(AgentSettings.list(value)).containsExactly("a", "b");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void emptyListAcceptsEveryClient(String value) {
        AgentSettings settings = new AgentSettings(AgentSettings.list(value), List.of(), OptionalInt.empty(), false, OptionalInt.empty());
        assertThat(settings.acceptsClient("anything")).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"travel-planner,true", "travel-backend,true", "evil-app,false", "travel,false"})
    void listedClientsOnly(String clientId, boolean accepted) {
        AgentSettings settings = new AgentSettings(List.of("travel-planner", "travel-backend"), List.of(),
                OptionalInt.empty(), false, OptionalInt.empty());
        assertThat(settings.acceptsClient(clientId)).isEqualTo(accepted);
    }

    @ParameterizedTest
    @CsvSource(value = {"3,3", "0,", "-1,", "abc,", "' 7 ',7", "'',"}, nullValues = "")
    void positiveIntegersOnly(String value, Integer expected) {
        OptionalInt parsed = AgentSettings.positiveInt(value);
        if (expected == null) {
            assertThat(parsed).isEmpty();
        } else {
            assertThat(parsed).hasValue(expected);
        }
    }
}
