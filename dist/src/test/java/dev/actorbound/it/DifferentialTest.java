package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The comparison of {@link Differential} without servers: what counts as the same, and what fails. */
class DifferentialTest {

    private static final String STOCK = "http://localhost:1111";
    private static final String JAR = "http://localhost:2222";

    @Test
    void valuesThatDifferByNatureCompareEqual() {
        String stockJwt = jwt("{\"sub\":\"0b0c7d3e-1111-4a4a-8b8b-000000000001\",\"exp\":1,\"iss\":\"" + STOCK + "/realms/r\",\"scope\":\"openid email\"}");
        String jarJwt = jwt("{\"sub\":\"9f9f7d3e-2222-4a4a-8b8b-000000000002\",\"exp\":2,\"iss\":\"" + JAR + "/realms/r\",\"scope\":\"email openid\"}");
        Differential.Observation stock = observe(STOCK, "{\"access_token\":\"" + stockJwt + "\",\"expires_in\":299}");
        Differential.Observation jar = observe(JAR, "{\"access_token\":\"" + jarJwt + "\",\"expires_in\":300}");

        assertThatCode(() -> Differential.assertSame("s", stock, jar)).doesNotThrowAnyException();
    }

    @Test
    void aChangedErrorOrClaimFailsWithItsPath() {
        Differential.Observation stock = observe(STOCK, "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}");
        Differential.Observation jar = observe(JAR, "{\"error\":\"invalid_request\",\"error_description\":\"Code not valid\"}");

        assertThatThrownBy(() -> Differential.assertSame("s", stock, jar)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("s/token.body.error\n      stock:    \"invalid_grant\"\n      with jar: \"invalid_request\"")
                .hasMessageNotContaining("error_description");
    }

    @Test
    void onlyTheListedAdditionsAreAllowed() {
        assertThat(allowed("discovery/openid-configuration.body.requested_actor_supported")).isTrue();
        assertThat(allowed("discovery/openid-configuration.body.scopes_supported[=actorbound-actor]")).isTrue();
        assertThat(allowed("realm/roles.body.ai-agent.description")).isTrue();
        assertThat(allowed("export-import/re-export.body.clients[clientId=actorbound-my-agents].publicClient")).isTrue();
        assertThat(allowed("discovery/openid-configuration.body.grant_types_supported[=password]")).isFalse();
        assertThat(allowed("realm/roles.body.ai-agent-admin")).isFalse();
        assertThat(allowed("realm/clients.body.backend.optionalClientScopes[=actorbound-actor]")).isFalse();
        assertThat(allowed("actor-token-exchange/exchange.headers.Cache-Control")).isFalse();
    }

    @Test
    void listsOfRepresentationsAreKeyedByName() {
        JsonNode node = Admin.read("{\"clients\":[{\"clientId\":\"b\",\"x\":1},{\"clientId\":\"a\",\"x\":2}],\"aud\":[\"y\",\"x\"]}");

        assertThat(Differential.flatten("s", node)).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "s/aud[=x]", "present", "s/aud[=y]", "present",
                "s/clients[clientId=a].clientId", "\"a\"", "s/clients[clientId=a].x", "2",
                "s/clients[clientId=b].clientId", "\"b\"", "s/clients[clientId=b].x", "1")));
    }

    private static boolean allowed(String path) {
        return Differential.INTENDED.stream().anyMatch(intended -> intended.matches(path));
    }

    private static Differential.Observation observe(String baseUrl, String body) {
        HttpHeaders headers = HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true);
        return new Differential.Observation(baseUrl).http("token", 200, headers, Admin.read(body));
    }

    private static String jwt(String claims) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    }
}
