package dev.actorbound.keycloak.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The request shape of PROTOCOL §9, field by field. */
class AuthZenRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2026-12-01T10:00:00.123Z");

    private static AuthZenRequest request(Map<String, List<String>> attributes) {
        return AuthZenRequest.of(
                new AuthZenRequest.Subject("user-1", "alice", List.of("reader", "writer", "calendar:viewer"), attributes),
                new AuthZenRequest.Delegation("booking-agent", "sa-2", "travel-planner", List.of("booking-agent", "planner-agent"),
                        "token_exchange", List.of("booking-api"), List.of("email", "openid"), List.of("reader", "writer")),
                "demo", TIME);
    }

    @Test
    void delegationFirstThenOneItemPerRoleAndScope() throws Exception {
        AuthZenRequest request = request(Map.of());
        JsonNode body = JSON.readTree(request.json());

        assertThat(body.at("/subject/type").asText()).isEqualTo("user");
        assertThat(body.at("/subject/id").asText()).isEqualTo("user-1");
        assertThat(body.at("/subject/properties/username").asText()).isEqualTo("alice");
        assertThat(body.at("/subject/properties/roles").toString()).isEqualTo("[\"reader\",\"writer\",\"calendar:viewer\"]");
        assertThat(body.at("/action/name").asText()).isEqualTo("delegate");
        assertThat(body.at("/resource/type").asText()).isEqualTo("delegation");
        assertThat(body.at("/resource/id").asText()).isEqualTo("booking-agent");
        JsonNode properties = body.at("/resource/properties");
        assertThat(properties.path("agent").asText()).isEqualTo("booking-agent");
        assertThat(properties.path("agent_sub").asText()).isEqualTo("sa-2");
        assertThat(properties.path("app").asText()).isEqualTo("travel-planner");
        assertThat(properties.path("actor_chain").toString()).isEqualTo("[\"booking-agent\",\"planner-agent\"]");
        assertThat(properties.path("depth").asInt()).isEqualTo(2);
        assertThat(properties.path("grant").asText()).isEqualTo("token_exchange");
        assertThat(properties.path("audience").toString()).isEqualTo("[\"booking-api\"]");
        assertThat(properties.path("scopes").toString()).isEqualTo("[\"email\",\"openid\"]");
        assertThat(properties.path("roles").toString()).isEqualTo("[\"reader\",\"writer\"]");
        assertThat(body.at("/context/realm").asText()).isEqualTo("demo");
        assertThat(body.at("/context/time").asText()).isEqualTo("2026-12-01T10:00:00Z");

        JsonNode evaluations = body.path("evaluations");
        assertThat(evaluations).hasSize(5);
        assertThat(request.size()).isEqualTo(5);
        assertThat(evaluations.get(0).isEmpty()).as("the first item is the delegation itself: the defaults").isTrue();
        assertItem(evaluations.get(1), "use_role", "role", "reader", properties);
        assertItem(evaluations.get(2), "use_role", "role", "writer", properties);
        assertItem(evaluations.get(3), "use_scope", "scope", "email", properties);
        assertItem(evaluations.get(4), "use_scope", "scope", "openid", properties);
    }

    /** AuthZEN items replace the defaults: each one repeats the whole resource. */
    private static void assertItem(JsonNode item, String action, String type, String id, JsonNode properties) {
        assertThat(item.at("/action/name").asText()).isEqualTo(action);
        assertThat(item.at("/resource/type").asText()).isEqualTo(type);
        assertThat(item.at("/resource/id").asText()).isEqualTo(id);
        assertThat(item.at("/resource/properties")).isEqualTo(properties);
    }

    @Test
    void userAttributesBySingleValueOrListNeverReplacingUsernameOrRoles() throws Exception {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("department", List.of("operations"));
        attributes.put("groups", List.of("a", "b"));
        attributes.put("missing", List.of());
        attributes.put("username", List.of("mallory"));
        attributes.put("roles", List.of("admin"));
        JsonNode properties = JSON.readTree(request(attributes).json()).at("/subject/properties");

        assertThat(properties.path("department").asText()).isEqualTo("operations");
        assertThat(properties.path("groups").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(properties.has("missing")).isFalse();
        assertThat(properties.path("username").asText()).isEqualTo("alice");
        assertThat(properties.path("roles").toString()).doesNotContain("admin");
    }

    @Test
    void cacheKeyLeavesOutOnlyTheTime() {
        AuthZenRequest now = request(Map.of());
        AuthZenRequest later = AuthZenRequest.of(
                new AuthZenRequest.Subject("user-1", "alice", List.of("reader", "writer", "calendar:viewer"), Map.of()),
                new AuthZenRequest.Delegation("booking-agent", "sa-2", "travel-planner", List.of("booking-agent", "planner-agent"),
                        "token_exchange", List.of("booking-api"), List.of("email", "openid"), List.of("reader", "writer")),
                "demo", TIME.plusSeconds(60));
        assertThat(later.cacheKey()).isEqualTo(now.cacheKey()).doesNotContain("2026-12-01");
        assertThat(later.json()).isNotEqualTo(now.json());
        assertThat(request(Map.of("department", List.of("sales"))).cacheKey()).isNotEqualTo(now.cacheKey());
    }
}
