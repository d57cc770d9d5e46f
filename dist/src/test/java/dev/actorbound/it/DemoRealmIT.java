package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorTokenAudience;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The demo realm that {@code run-demo.sh} and {@code docker-compose.yml} import tells the whole story against the
 * real server: imported under another name, a user delegates to planner-agent through travel-planner (the actor
 * token asked for with the {@code actorbound-actor} scope, as the README's walkthrough does), the Travel API
 * introspects that token as active, planner-agent hands the booking to booking-agent, and each token carries only
 * what the user holds: alice can book, bob can only read, carol can do neither.
 */
@ExtendWith(KeycloakServer.class)
class DemoRealmIT {

    static final Path DEMO_REALM = Path.of("src/main/demo/demo-realm.json");
    static final String REDIRECT = "http://localhost:8089/callback";
    static final String API = "travel-api";
    static final String API_SECRET = "travel-api-secret";
    static final String TRAVEL_API_RESOURCE = "http://localhost:8090/mcp";

    private static KeycloakServer server;
    private static String realm;

    @BeforeAll
    static void importDemoRealm(KeycloakServer keycloak) throws IOException {
        server = keycloak;
        realm = importDemoRealm(server, representation -> { });
    }

    /** Imports the demo realm under a fresh name, after {@code change} (e.g. other ports); returns the name. */
    static String importDemoRealm(KeycloakServer server, Consumer<ObjectNode> change) throws IOException {
        ObjectNode representation = (ObjectNode) Admin.read(Files.readString(DEMO_REALM));
        String name = "demo-" + Long.toHexString(System.nanoTime());
        representation.put("realm", name);
        representation.remove("id");
        change.accept(representation);
        server.admin().post("/realms", representation).expectOk("import the demo realm");
        return name;
    }

    /** The client {@code clientId} of a realm representation, to change before import. */
    static ObjectNode client(ObjectNode representation, String clientId) {
        for (JsonNode client : representation.withArray("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                return (ObjectNode) client;
            }
        }
        throw new IllegalArgumentException("the demo realm has no client " + clientId);
    }

    @AfterAll
    static void deleteRealm() {
        if (realm != null) {
            server.admin().deleteRealm(realm);
        }
    }

    @ParameterizedTest(name = "{0}: planner gets [{1}], booking gets [{2}]")
    @CsvSource({"alice, reader writer, writer", "bob, reader, ''", "carol, '', ''"})
    void thePlannerHandsTheBookingToTheBookingAgentWithNoMoreThanTheUserHolds(String user, String plannerRoles,
                                                                               String bookingRoles) throws Exception {
        OAuth oauth = server.oauth();
        String planner = codeFlowToken(user, Map.of());
        JWTClaimsSet plannerClaims = verify(planner);
        assertThat(plannerClaims.getJSONObjectClaim("act")).containsEntry("client_id", "planner-agent");
        assertThat(Exchanges.allRoles(plannerClaims)).containsExactlyInAnyOrderElementsOf(Exchanges.words(plannerRoles));
        assertThat(plannerClaims.getAudience()).contains(API);
        JsonNode introspected = oauth.introspect(realm, planner, API, API_SECRET);
        assertThat(introspected.path("active").asBoolean()).as("the Travel API introspects: %s", introspected).isTrue();
        assertThat(introspected.path("act").path("client_id").asText()).isEqualTo("planner-agent");

        OAuth.TokenResponse booking = exchange(planner, Map.of());

        assertThat(booking.status()).as(booking.toString()).isEqualTo(200);
        JWTClaimsSet bookingClaims = verify(booking.accessToken());
        assertThat(bookingClaims.getSubject()).isEqualTo(plannerClaims.getSubject());
        Map<String, Object> act = bookingClaims.getJSONObjectClaim("act");
        assertThat(act).containsEntry("client_id", "booking-agent");
        assertThat(act.get("act")).isEqualTo(plannerClaims.getJSONObjectClaim("act"));
        assertThat(Exchanges.allRoles(bookingClaims)).containsExactlyInAnyOrderElementsOf(Exchanges.words(bookingRoles));
        assertThat(bookingClaims.getAudience()).containsExactly(API);
        assertThat(oauth.introspect(realm, booking.accessToken(), API, API_SECRET).path("active").asBoolean()).isTrue();
    }

    @Test
    void theTravelApisResourceIndicatorNamesItAsTheOnlyAudience() throws Exception {
        JWTClaimsSet planner = verify(codeFlowToken("alice", Map.of("resource", TRAVEL_API_RESOURCE)));
        assertThat(planner.getAudience()).containsExactly(API);

        OAuth.TokenResponse booking = exchange(codeFlowToken("alice", Map.of()), Map.of("resource", TRAVEL_API_RESOURCE));
        assertThat(booking.status()).as(booking.toString()).isEqualTo(200);
        assertThat(verify(booking.accessToken()).getAudience()).containsExactly(API);
    }

    /** A delegated token of the code flow for {@code user} (password = user name) through travel-planner. */
    private static String codeFlowToken(String user, Map<String, String> extra) {
        OAuth oauth = server.oauth();
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        Map<String, String> request = new LinkedHashMap<>(extra);
        request.put("requested_actor", "planner-agent");
        String url = oauth.authorizeUrl(realm, "travel-planner", REDIRECT, "openid", "demo-state", pkce, request);
        HttpLogin.Outcome outcome = new HttpLogin(REDIRECT).authorize(url, user, user, "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "client_id", "travel-planner",
                "code", outcome.code(), "redirect_uri", REDIRECT, "code_verifier", pkce.verifier(),
                "actor_token", actorToken("planner-agent", "planner-secret"), "actor_token_type", OAuth.ACCESS_TOKEN_TYPE));
        OAuth.TokenResponse redeemed = oauth.token(realm, form, null, null);
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        return redeemed.accessToken();
    }

    private static OAuth.TokenResponse exchange(String subjectToken, Map<String, String> extra) {
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", Exchanges.GRANT_TYPE,
                "subject_token", subjectToken, "subject_token_type", OAuth.ACCESS_TOKEN_TYPE,
                "actor_token", actorToken("booking-agent", "booking-secret"), "actor_token_type", OAuth.ACCESS_TOKEN_TYPE));
        form.putAll(extra);
        return server.oauth().token(realm, form, "booking-agent", "booking-secret");
    }

    private static String actorToken(String agent, String secret) {
        OAuth.TokenResponse actor = server.oauth().token(realm, Map.of("grant_type", "client_credentials",
                "scope", ActorTokenAudience.SCOPE), agent, secret);
        assertThat(actor.status()).as(actor.toString()).isEqualTo(200);
        return actor.accessToken();
    }

    private static JWTClaimsSet verify(String token) {
        return Jwt.verify(token, server.baseUrl() + "/realms/" + realm, server.oauth().jwksUrl(realm));
    }
}
