package dev.actorbound.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

class AuditLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    @Test
    void exchangeLineNamesEveryDelegationField() throws Exception {
        Event event = event(EventType.TOKEN_EXCHANGE, "booking-agent", Map.of("actor", "booking-agent",
                "actor_sub", "sa-booking", "actor_chain", "booking-agent<planner-agent", "app", "travel-planner",
                "audience", "booking-api booking-agent", "granted_roles", "writer reader", "subject_token", JWT));

        JsonNode line = render(event);

        assertThat(line.path("timestamp").asText()).isEqualTo("2025-01-02T03:04:05.678Z");
        assertThat(line.path("event_id").asText()).isEqualTo("e-1");
        assertThat(line.path("realm").asText()).isEqualTo("demo");
        assertThat(line.path("type").asText()).isEqualTo("TOKEN_EXCHANGE");
        assertThat(line.path("outcome").asText()).isEqualTo("success");
        assertThat(line.has("error")).isFalse();
        assertThat(line.path("user_id").asText()).isEqualTo("u-alice");
        assertThat(line.path("client").asText()).isEqualTo("booking-agent");
        assertThat(line.path("app").asText()).isEqualTo("travel-planner");
        assertThat(line.path("actor").asText()).isEqualTo("booking-agent");
        assertThat(line.path("actor_sub").asText()).isEqualTo("sa-booking");
        assertThat(line.path("actor_chain").asText()).isEqualTo("booking-agent<planner-agent");
        assertThat(texts(line.path("actors"))).containsExactly("booking-agent", "planner-agent");
        assertThat(texts(line.path("audience"))).containsExactly("booking-api", "booking-agent");
        assertThat(texts(line.path("granted_roles"))).containsExactly("writer", "reader");
        assertThat(line.path("ip_address").asText()).isEqualTo("10.0.0.7");
        assertThat(line.has("subject_token")).as("details outside the whitelist are never written").isFalse();
        assertThat(line.toString()).doesNotContain("eyJ");
    }

    @Test
    void failureLineHasErrorAndReasonAndTheRequestingAppWhenNoAppDetail() throws Exception {
        Event event = event(EventType.CODE_TO_TOKEN_ERROR, "travel-planner", Map.of("actor", "planner-agent",
                "reason", "actor_token does not belong to the agent the user consented to"));
        event.setError("actor_mismatch");

        JsonNode line = render(event);

        assertThat(line.path("outcome").asText()).isEqualTo("failure");
        assertThat(line.path("error").asText()).isEqualTo("actor_mismatch");
        assertThat(line.path("reason").asText()).isEqualTo("actor_token does not belong to the agent the user consented to");
        assertThat(line.path("app").asText()).isEqualTo("travel-planner");
        assertThat(line.has("actor_chain")).isFalse();
    }

    @Test
    void introspectingResourceServerIsNotTheApp() throws Exception {
        JsonNode line = render(event(EventType.INTROSPECT_TOKEN, "booking-api", Map.of("actor", "booking-agent")));

        assertThat(line.path("client").asText()).isEqualTo("booking-api");
        assertThat(line.has("app")).isFalse();
    }

    @Test
    void tokenShapedValuesAreLeftOutAndNamed() throws Exception {
        Event event = event(EventType.TOKEN_EXCHANGE_ERROR, "booking-agent", Map.of("actor", "booking-agent",
                "reason", "bad token " + JWT + " given"));
        event.setError("invalid_token");

        JsonNode line = render(event);

        assertThat(line.has("reason")).isFalse();
        assertThat(texts(line.path("redacted"))).containsExactly("reason");
        assertThat(line.toString()).doesNotContain("eyJ");
    }

    @Test
    void encryptedTokenShapeIsRedactedToo() throws Exception {
        String jwe = "eyJhbGciOiJSU0EtT0FFUCJ9..iv.ciphertext.tag";
        JsonNode line = render(event(EventType.LOGIN, "travel-planner", Map.of("actor", "planner-agent", "reason", jwe)));

        assertThat(texts(line.path("redacted"))).containsExactly("reason");
    }

    @Test
    void oneLineWhateverTheValues() {
        Event event = event(EventType.LOGIN_ERROR, "travel-planner", Map.of("actor", "planner-agent",
                "reason", "first\nsecond\r\n{\"forged\":true}"));
        event.setError("invalid_request");

        String line = AuditLine.render(DelegationEvent.of(event, e -> false).orElseThrow(), true);

        assertThat(line).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void ipAddressCanBeLeftOut() throws Exception {
        Event event = event(EventType.LOGIN, "travel-planner", Map.of("actor", "planner-agent"));
        JsonNode line = JSON.readTree(AuditLine.render(DelegationEvent.of(event, e -> false).orElseThrow(), false));

        assertThat(line.has("ip_address")).isFalse();
    }

    @Test
    void eventsWithoutAnActorAreNotDelegations() {
        Event plainLogin = event(EventType.CODE_TO_TOKEN, "travel-planner", Map.of("scope", "openid"));
        Event noDetails = event(EventType.CLIENT_LOGIN, "planner-agent", null);

        assertThat(DelegationEvent.of(plainLogin, e -> true)).isEmpty();
        assertThat(DelegationEvent.of(noDetails, e -> true)).isEmpty();
    }

    @Test
    void consentEventOfAnAgentClientIsADelegationEvenWithoutActorDetail() throws Exception {
        Event revoke = event(EventType.REVOKE_GRANT, "planner-agent", Map.of("revoked_client", "planner-agent"));
        Event revokeOfPlainApp = event(EventType.REVOKE_GRANT, "travel-planner", null);

        Optional<DelegationEvent> delegation = DelegationEvent.of(revoke, e -> e.getClientId().equals("planner-agent"));

        assertThat(delegation).map(DelegationEvent::actor).contains("planner-agent");
        JsonNode line = JSON.readTree(AuditLine.render(delegation.orElseThrow(), true));
        assertThat(line.path("actor").asText()).isEqualTo("planner-agent");
        assertThat(line.has("app")).as("the agent is not the app").isFalse();
        assertThat(DelegationEvent.of(revokeOfPlainApp, e -> e.getClientId().equals("planner-agent"))).isEmpty();
    }

    private static JsonNode render(Event event) throws Exception {
        return JSON.readTree(AuditLine.render(DelegationEvent.of(event, e -> false).orElseThrow(), true));
    }

    private static Event event(EventType type, String clientId, Map<String, String> details) {
        Event event = new Event();
        event.setId("e-1");
        event.setTime(1_735_787_045_678L);
        event.setType(type);
        event.setRealmId("r-1");
        event.setRealmName("demo");
        event.setClientId(clientId);
        event.setUserId("u-alice");
        event.setIpAddress("10.0.0.7");
        event.setDetails(details == null ? null : new HashMap<>(details));
        return event;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
