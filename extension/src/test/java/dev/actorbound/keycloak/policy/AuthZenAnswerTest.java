package dev.actorbound.keycloak.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthZenAnswerTest {

    @Test
    void oneDecisionPerItemWithItsReason() {
        AuthZenAnswer answer = AuthZenAnswer.parse("""
                {"evaluations": [
                  {"decision": true},
                  {"decision": false, "context": {"reason": "writer only for operations"}},
                  {"decision": false, "context": {"reason_admin": {"de": "nein", "en": "no email"}}},
                  {"decision": false, "context": {"reason_admin": "plain text"}},
                  {"decision": true, "context": {"reason": {"not": "text"}}}
                ]}""", 5).orElseThrow();

        assertThat(answer.decisions()).containsExactly(true, false, false, false, true);
        assertThat(answer.reasons()).containsExactly("", "writer only for operations", "no email", "plain text", "");
    }

    @Test
    void reasonsStayOneBoundedLine() {
        String reason = "line one\nline two\u0007" + "x".repeat(500);
        AuthZenAnswer answer = AuthZenAnswer.parse("{\"evaluations\":[{\"decision\":false,\"context\":{\"reason\":\""
                + reason.replace("\n", "\\n").replace("\u0007", "\\u0007") + "\"}}]}", 1).orElseThrow();
        assertThat(answer.reason(0)).startsWith("line one line two").doesNotContain("\n")
                .hasSize(AuthZenAnswer.MAX_REASON_LENGTH);
    }

    /** Anything but an AuthZEN evaluations answer with exactly the expected items is no answer: fail closed. */
    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "<html>oops</html>", "null", "[]", "{}", "{\"decision\": true}",
            "{\"evaluations\": {}}", "{\"evaluations\": []}", "{\"evaluations\": [{\"decision\": true}]}",
            "{\"evaluations\": [{\"decision\": true}, {\"decision\": \"true\"}]}",
            "{\"evaluations\": [{\"decision\": true}, {}]}",
            "{\"evaluations\": [{\"decision\": true}, {\"decision\": true}, {\"decision\": true}]}"})
    void garbageIsNoAnswer(String body) {
        assertThat(AuthZenAnswer.parse(body, 2)).isEmpty();
    }
}
