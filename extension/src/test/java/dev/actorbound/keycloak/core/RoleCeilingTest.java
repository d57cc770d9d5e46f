package dev.actorbound.keycloak.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.AccessToken;

/** The roles a lightweight delegated token carries survive signing and parsing, and nothing else reads as roles. */
class RoleCeilingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RoleCeiling GRANTED = new RoleCeiling(Set.of("reader", "writer"),
            Map.of("booking-api", Set.of("book", "cancel"), "calendar-api", Set.of("read")));

    @Test
    void theClaimReadsBackAfterATripThroughAToken() throws Exception {
        AccessToken token = new AccessToken();
        token.getOtherClaims().put(RoleCeiling.CLAIM, GRANTED.toClaim());
        String json = JSON.writeValueAsString(token);

        AccessToken parsed = JSON.readValue(json, AccessToken.class);

        assertThat(json).contains("\"actorbound_roles\":{\"clients\":{\"booking-api\":[\"book\",\"cancel\"],"
                + "\"calendar-api\":[\"read\"]},\"realm\":[\"reader\",\"writer\"]}");
        assertThat(RoleCeiling.fromClaim(parsed.getOtherClaims().get(RoleCeiling.CLAIM))).isEqualTo(GRANTED);
        assertThat(GRANTED.labels()).containsExactly("booking-api:book", "booking-api:cancel", "calendar-api:read",
                "reader", "writer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"reader\"", "[\"reader\"]", "{\"realm\":\"reader\"}", "{\"realm\":[1,{\"a\":2}]}",
            "{\"clients\":[\"booking-api\"]}", "{\"clients\":{\"booking-api\":\"book\"}}"})
    void anythingElseCarriesNoRoles(String claim) throws Exception {
        RoleCeiling read = RoleCeiling.fromClaim(JSON.readValue("{\"c\":" + claim + "}", Map.class).get("c"));

        assertThat(read.labels()).isEmpty();
    }

    @Test
    void aClaimWithSomeGoodPartsKeepsOnlyThose() throws Exception {
        Object claim = Map.of("realm", List.of("reader", 7), "clients", Map.of("booking-api", List.of("book")));

        assertThat(RoleCeiling.fromClaim(claim).labels()).containsExactly("booking-api:book", "reader");
    }
}
