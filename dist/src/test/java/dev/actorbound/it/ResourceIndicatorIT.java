package dev.actorbound.it;

import static dev.actorbound.it.TestClients.BOOKING_API;
import static dev.actorbound.it.TestClients.CALENDAR_API;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.actorbound.keycloak.core.AgentAttributes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 8707 {@code resource} (and RFC 8693 {@code audience}) name the one API a delegated token is for, in the code
 * flow and in the delegation exchange: the token's audience is that API only; a resource the realm does not know,
 * or one the token could not reach anyway, is {@code invalid_target} and no token. A resource names a client as
 * {@code urn:client:<client_id>} or by the client's {@code resource_url} attribute.
 *
 * <p>The app's tokens reach booking-api and calendar-api, booking-agent's reach booking-api and hotel-api; a
 * resource indicator picks one of them.
 */
@WithRealms
class ResourceIndicatorIT {

    private static final String HOTEL_API = "hotel-api";
    private static final String BOOKING_URL = "https://booking.example.org/api";
    private static final String CALENDAR_URL = "https://calendar.example.org/";
    private static final String HOTEL_URL = "https://hotel.example.org/mcp";
    private static final String UNKNOWN_URL = "https://nowhere.example.org/";
    private static final String NOT_FOR_AGENT = "requested resource is not available to this agent";
    private static final String NOT_FOR_CLIENT = "requested resource is not available to this client";

    private static TestRealm realm;
    private static Exchanges ex;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        ex = Exchanges.setUp(realm);
        flow = new Delegations(realm);
        ex.addResourceServer(HOTEL_API, "hotel-secret");
        ex.addAudienceMapper(BOOKING, HOTEL_API);
        ex.addAudienceMapper(TestClients.APP, BOOKING_API);
        ex.addAudienceMapper(TestClients.APP, CALENDAR_API);
        ex.setAttribute(BOOKING_API, "resource_url", BOOKING_URL);
        ex.setAttribute(CALENDAR_API, "resource_url", CALENDAR_URL);
        ex.setAttribute(HOTEL_API, "resource_url", HOTEL_URL);
    }

    // ---- delegation exchange ----

    @Test
    void withoutAResourceTheExchangedTokenReachesEveryApiOfTheAgent() {
        String hop1 = ex.codeFlowToken(PLANNER);
        JWTClaimsSet claims = ex.assertIssued(ex.exchange(BOOKING, hop1), hop1, "booking-agent<planner-agent");
        assertThat(claims.getAudience()).containsExactlyInAnyOrder(BOOKING_API, HOTEL_API);
    }

    @Test
    void aResourceUrlNarrowsTheExchangedTokenToThatApi() {
        String hop1 = ex.codeFlowToken(PLANNER);
        Exchanges.Attempt attempt = ex.exchange(BOOKING, hop1, Map.of("resource", HOTEL_URL));

        JWTClaimsSet claims = ex.assertIssued(attempt, hop1, "booking-agent<planner-agent");
        assertThat(claims.getAudience()).containsExactly(HOTEL_API);
        assertThat(realm.oauth().introspect(realm.name(), attempt.accessToken(), HOTEL_API, "hotel-secret")
                .path("active").asBoolean()).as("the API it names introspects it").isTrue();
    }

    @Test
    void aClientUrnNarrowsTheExchangedTokenLikeTheAudienceParameter() {
        String hop1 = ex.codeFlowToken(PLANNER);
        JWTClaimsSet byUrn = ex.assertIssued(ex.exchange(BOOKING, hop1, Map.of("resource", "urn:client:" + BOOKING_API)),
                hop1, "booking-agent<planner-agent");
        JWTClaimsSet byAudience = ex.assertIssued(ex.exchange(BOOKING, hop1, Map.of("audience", BOOKING_API)), hop1,
                "booking-agent<planner-agent");
        assertThat(byUrn.getAudience()).containsExactly(BOOKING_API);
        assertThat(byAudience.getAudience()).containsExactly(BOOKING_API);
    }

    @Test
    void anUnknownResourceIsRefused() {
        ex.assertRefused(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("resource", UNKNOWN_URL)),
                "invalid_target", NOT_FOR_AGENT);
    }

    @Test
    void aMalformedResourceIsRefused() {
        ex.assertRefused(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("resource", BOOKING_URL + "#frag")),
                "invalid_target", NOT_FOR_AGENT);
        ex.assertRefused(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("resource", BOOKING_API)),
                "invalid_target", NOT_FOR_AGENT);
    }

    @Test
    void aResourceTheAgentCannotReachIsRefused() {
        ex.assertRefused(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("resource", CALENDAR_URL)),
                "invalid_target", NOT_FOR_AGENT);
    }

    // ---- code flow ----

    @Test
    void withoutAResourceTheDelegatedCodeReachesEveryApiOfTheApp() {
        JWTClaimsSet claims = issued(redeem(code(Map.of()), Map.of()));
        assertThat(claims.getAudience()).containsExactlyInAnyOrder(BOOKING_API, CALENDAR_API);
    }

    @Test
    void aResourceOfTheAuthorizationRequestNarrowsTheDelegatedTokenToThatApi() throws Exception {
        OAuth.TokenResponse response = redeem(code(Map.of("resource", CALENDAR_URL)), Map.of());

        JWTClaimsSet claims = issued(response);
        assertThat(claims.getAudience()).containsExactly(CALENDAR_API);
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", PLANNER);
        assertThat(realm.admin().events(realm.name(), "CODE_TO_TOKEN").stream()
                .map(event -> event.path("details").path("audience").asText())).contains(CALENDAR_API);
    }

    @Test
    void aResourceOfTheTokenRequestNarrowsTheDelegatedTokenToThatApi() throws Exception {
        OAuth.TokenResponse response = redeem(code(Map.of()), Map.of("resource", "urn:client:" + BOOKING_API));

        JWTClaimsSet claims = issued(response);
        assertThat(claims.getAudience()).containsExactly(BOOKING_API);
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", PLANNER);
    }

    /** Another path to the same token: the delegated refresh must not widen the audience back to every API. */
    @Test
    void aDelegatedRefreshKeepsTheOneApiTheCodeWasFor() throws Exception {
        ex.setAttribute(PLANNER, AgentAttributes.REFRESH_ALLOWED, "true");
        try {
            OAuth.TokenResponse first = redeem(code(Map.of("resource", CALENDAR_URL)), Map.of());
            assertThat(issued(first).getAudience()).containsExactly(CALENDAR_API);
            assertThat(first.refreshToken()).as(first.toString()).isNotBlank();

            JWTClaimsSet refreshed = issued(flow.refresh(first.refreshToken(), flow.actorToken(PLANNER)));

            assertThat(refreshed.getAudience()).containsExactly(CALENDAR_API);
            assertThat(refreshed.getJSONObjectClaim("act")).containsEntry("client_id", PLANNER);
        } finally {
            ex.setAttribute(PLANNER, AgentAttributes.REFRESH_ALLOWED, "false");
        }
    }

    @Test
    void aTokenRequestCannotSwitchToAnotherResourceThanTheAuthorizationRequestNamed() {
        flow.assertRefused(redeem(code(Map.of("resource", CALENDAR_URL)), Map.of("resource", BOOKING_URL)),
                "invalid_target", "requested resource is not the one the authorization request named", "invalid_request", PLANNER);
    }

    @Test
    void aResourceTheAppCannotReachIsRefusedAtTheTokenEndpoint() {
        flow.assertRefused(redeem(code(Map.of("resource", HOTEL_URL)), Map.of()), "invalid_target", NOT_FOR_CLIENT,
                "invalid_request", PLANNER);
    }

    @Test
    void anUnknownResourceIsRefusedBeforeTheUserIsAsked() {
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(flow.authorizeUrl(OAuth.Pkce.s256(),
                Map.of("requested_actor", PLANNER, "resource", UNKNOWN_URL)), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(flow.assertAuthorizationRefused(outcome, "invalid_target", NOT_FOR_CLIENT)
                .path("details").path("actor").asText()).isEqualTo(PLANNER);
    }

    private static Delegations.Code code(Map<String, String> extra) {
        Map<String, String> request = new LinkedHashMap<>(extra);
        request.put("requested_actor", PLANNER);
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome outcome = flow.authorize(pkce, request, "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
        return new Delegations.Code(outcome.code(), pkce);
    }

    private static JWTClaimsSet issued(OAuth.TokenResponse response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return Jwt.verify(response.accessToken(), realm);
    }

    private static OAuth.TokenResponse redeem(Delegations.Code code, Map<String, String> extra) {
        return flow.redeem(code, flow.actorToken(PLANNER), extra);
    }
}
