package dev.actorbound.keycloak.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

class RevokeFormTest {

    @Test
    void bothFieldsOnceMakeAPair() {
        assertThat(RevokeForm.parse(form(Map.of("app", List.of("a-1"), "agent", List.of("b-2")))))
                .contains(new RevokeForm("a-1", "b-2"));
    }

    @Test
    void missingRepeatedBlankOrOverlongFieldsAreRefused() {
        assertThat(RevokeForm.parse(form(Map.of("app", List.of("a-1"))))).isEmpty();
        assertThat(RevokeForm.parse(form(Map.of("app", List.of("a-1", "a-2"), "agent", List.of("b-2"))))).isEmpty();
        assertThat(RevokeForm.parse(form(Map.of("app", List.of(" "), "agent", List.of("b-2"))))).isEmpty();
        assertThat(RevokeForm.parse(form(Map.of("app", List.of("a".repeat(65)), "agent", List.of("b-2"))))).isEmpty();
    }

    @Test
    void aSingleFieldIsReadOnlyWhenSentOnce() {
        assertThat(RevokeForm.single(form(Map.of("csrf_token", List.of("t"))), "csrf_token")).isEqualTo("t");
        assertThat(RevokeForm.single(form(Map.of("csrf_token", List.of("t", "u"))), "csrf_token")).isNull();
        assertThat(RevokeForm.single(form(Map.of()), "csrf_token")).isNull();
    }

    private static MultivaluedMap<String, String> form(Map<String, List<String>> values) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        values.forEach(form::put);
        return form;
    }
}
