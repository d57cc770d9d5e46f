package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an admin sees on the server info page (*master* realm → *Provider info*): our providers under their SPIs,
 * with the version of the jar that runs and the option values in effect (the test server uses the defaults).
 */
@ExtendWith(KeycloakServer.class)
class ServerInfoIT {

    private static JsonNode providers;
    private static String expectedVersion;

    @BeforeAll
    static void readServerInfo(KeycloakServer server) {
        Admin.Response info = server.admin().get("/serverinfo");
        assertThat(info.status()).as("GET /admin/serverinfo: %s", info.body()).isEqualTo(200);
        providers = info.body().path("providers");
        expectedVersion = System.getProperty("actorbound.version");
        assertThat(expectedVersion).as("the dist POM passes the project version").isNotBlank();
    }

    /** The server-wide options have a home of their own: SPI {@code actorbound}, provider {@code default}. */
    @Test
    void optionsProviderShowsVersionAndDefaultOptions() {
        JsonNode info = operationalInfo("actorbound", "default");

        assertThat(info.path("version").asText()).isEqualTo(expectedVersion);
        assertThat(info.path("delegated-token-lifetime").asText()).isEqualTo("300");
        assertThat(info.path("max-chain-depth").asText()).isEqualTo("3");
    }

    @Test
    void auditListenerShowsItsCategoryAndThatItWrites() {
        JsonNode info = operationalInfo("eventsListener", "actorbound-audit");

        assertThat(info.path("version").asText()).isEqualTo(expectedVersion);
        assertThat(info.path("log-category").asText()).isEqualTo("actorbound.audit");
        assertThat(info.path("log-enabled").asText()).as("INFO is on for the category by default").isEqualTo("true");
        assertThat(info.path("include-ip-address").asText()).isEqualTo("true");
    }

    /** Our providers replace Keycloak's by order; server info shows the orders an admin compares. */
    @Test
    void overridingProvidersOutrankKeycloaks() {
        assertThat(provider("oauth2-grant-type", "authorization_code").path("order").asInt()).isGreaterThan(0);
        assertThat(provider("oauth2-token-exchange", "actorbound-delegation").path("order").asInt())
                .isGreaterThan(provider("oauth2-token-exchange", "standard").path("order").asInt());
        assertThat(provider("refresh-token", "actorbound-delegated").path("order").asInt())
                .isGreaterThan(provider("refresh-token", "default").path("order").asInt());
    }

    private static JsonNode operationalInfo(String spi, String provider) {
        JsonNode info = provider(spi, provider).path("operationalInfo");
        assertThat(info.isObject()).as("operationalInfo of %s/%s: %s", spi, provider, provider(spi, provider)).isTrue();
        return info;
    }

    private static JsonNode provider(String spi, String provider) {
        JsonNode found = providers.path(spi).path("providers").path(provider);
        assertThat(found.isMissingNode()).as("provider %s in SPI %s; the SPI lists %s", provider, spi,
                orders(providers.path(spi).path("providers"))).isFalse();
        return found;
    }

    /** Provider id → order, for a failure message. */
    private static Map<String, JsonNode> orders(JsonNode providersOfSpi) {
        Map<String, JsonNode> orders = new TreeMap<>();
        providersOfSpi.fields().forEachRemaining(entry -> orders.put(entry.getKey(), entry.getValue().path("order")));
        return orders;
    }
}
