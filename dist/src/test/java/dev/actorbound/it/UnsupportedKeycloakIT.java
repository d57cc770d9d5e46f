package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.actorbound.keycloak.core.SupportedKeycloak;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar on a Keycloak version it does not support (the version gate, {@link SupportedKeycloak}): the server starts,
 * logs one line saying Actorbound is inactive, and behaves as stock Keycloak. Runs in the compatibility step of
 * {@code .ci/run} against a distribution the gate refuses ({@code -Dit.keycloak.version=26.5.6}); on a supported one
 * (the default run) it is skipped.
 */
@WithRealms
class UnsupportedKeycloakIT {

    private static final String PLANNER = TestClients.PLANNER;
    private static final String BOOKING = TestClients.BOOKING;

    private static TestRealm realm;
    private static String running;

    @BeforeAll
    static void onAnUnsupportedKeycloak(TestRealm fresh) {
        realm = fresh;
        running = realm.admin().get("/serverinfo").expectOk("server info").body().path("systemInfo").path("version")
                .asText();
        assumeFalse(SupportedKeycloak.supports(running),
                "Keycloak " + running + " is supported; this IT runs against an unsupported distribution "
                        + "(-Dit.keycloak.version=26.5.6, .ci/run)");
    }

    @Test
    void theServerLogsExactlyOneLineThatActorboundIsInactive() throws IOException {
        List<String> lines = Files.readAllLines(realm.server().logFile(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("Actorbound")).filter(line -> line.contains("INACTIVE")).toList();

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains(" ERROR ", "Keycloak " + running + " is not a supported version",
                "supported: 26.7.x");
    }

    /** Stock Keycloak ignores requested_actor: login, no agent consent step, a code; actor_token is ignored too. */
    @Test
    void anAuthorizationRequestWithRequestedActorIsAPlainLogin() throws Exception {
        Delegations flow = new Delegations(realm);
        OAuth.Pkce pkce = OAuth.Pkce.s256();

        HttpLogin.Outcome outcome = flow.authorize(pkce, Map.of("requested_actor", PLANNER), null);
        assertThat(outcome.code()).as("a code straight after login, no consent page: %s", outcome).isNotBlank();
        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(outcome.code(), pkce), flow.actorToken(PLANNER));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestClients.APP);
        assertThat(claims.getClaim("act")).isNull();
    }

    /** Keycloak's standard token exchange serves (ours is off): the token is the requester's, no act. */
    @Test
    void aStandardTokenExchangeWorksAsStock() throws Exception {
        Exchanges ex = new Exchanges(realm);
        ex.setAttribute(BOOKING, "standard.token.exchange.enabled", "true");
        // Keycloak's own rule: the requester must be in the subject token's audience.
        ex.addAudienceMapper(TestClients.APP, BOOKING);
        String plain = ex.plainToken();

        Exchanges.Attempt stock = ex.exchange(BOOKING, plain, null, Map.of());

        assertThat(stock.response().status()).as("stock standard exchange: %s", stock).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(stock.accessToken(), realm);
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getStringClaim("azp")).isEqualTo(BOOKING);
        assertThat(claims.getClaim("act")).isNull();
    }

    @Test
    void discoveryHasNoneOfOurAdditions() {
        JsonNode discovery = realm.oauth().discovery(realm.name());

        assertThat(discovery.path("issuer").asText()).isEqualTo(realm.issuer());
        assertThat(discovery.has("requested_actor_supported")).isFalse();
        assertThat(discovery.has("actor_token_types_supported")).isFalse();
    }

    /** Nothing of ours is loaded but the options holder, which says why; a new realm gets no ai-agent role from us. */
    @Test
    void serverInfoListsNoneOfOurProvidersButTheInactiveNotice() {
        JsonNode providers = realm.admin().get("/serverinfo").expectOk("server info").body().path("providers");

        assertThat(providers.path("ui-page").path("providers").has("actorbound-agents")).isFalse();
        assertThat(providers.path("ui-tab").path("providers").has("actorbound-policy")).isFalse();
        assertThat(providers.path("oauth2-token-exchange").path("providers").has("actorbound-delegation")).isFalse();
        assertThat(providers.path("refresh-token").path("providers").has("actorbound-delegated")).isFalse();
        assertThat(providers.path("eventsListener").path("providers").has("actorbound-audit")).isFalse();
        assertThat(providers.path("required-action").path("providers").has("actorbound-agent-consent")).isFalse();
        assertThat(providers.path("protocol-mapper").path("providers").has("actorbound-actor-audience")).isFalse();
        assertThat(providers.path("actorbound").path("providers").path("default").path("operationalInfo")
                .path("inactive").asText()).contains("Keycloak " + running + " is not a supported version");
        assertThat(realm.agentRoleCreatedByExtension()).isFalse();
    }

    @Test
    void ourAccountAndAdminEndpointsAreAbsent() {
        Admin.Response consents = realm.admin().get("/realms/" + realm.name() + "/actorbound-consents");
        assertThat(consents.status()).as("admin realm extension actorbound-consents: %s", consents.body())
                .isEqualTo(404);
        int myAgents = realm.oauth().send(HttpRequest.newBuilder(URI.create(realm.issuer() + "/actorbound/my-agents")).GET())
                .statusCode();
        assertThat(myAgents).as("GET /realms/<realm>/actorbound/my-agents").isEqualTo(404);
    }
}
