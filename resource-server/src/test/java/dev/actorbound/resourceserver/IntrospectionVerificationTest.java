package dev.actorbound.resourceserver;

import static dev.actorbound.resourceserver.TestTokens.ALICE;
import static dev.actorbound.resourceserver.TestTokens.AUDIENCE;
import static dev.actorbound.resourceserver.TestTokens.ISSUER;
import static dev.actorbound.resourceserver.TestTokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Introspection mode against a stand-in endpoint: what is sent, what is accepted, how long an answer is kept. */
class IntrospectionVerificationTest {

    private static final String TOKEN = "opaque.token-value";

    private Loopback endpoint;
    private TestClock clock;
    private ResourceServer api;

    @BeforeEach
    void start() {
        endpoint = Loopback.serving("/realms/demo/protocol/openid-connect/token/introspect");
        endpoint.serve(JSONObjectUtils.toJSONString(active()));
        clock = new TestClock(NOW);
        api = ResourceServer.builder().issuer(ISSUER).audience(AUDIENCE).resource(TestTokens.RESOURCE)
                .introspection("travel-api", "s3cret:&").introspectionEndpoint(endpoint.url()).clock(clock).build();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    /** What Keycloak answers for a delegated access token (AccessTokenIntrospectionProvider, with act). */
    private static Map<String, Object> active() {
        Map<String, Object> answer = new LinkedHashMap<>(TestTokens.claims().build().toJSONObject());
        answer.put("active", true);
        answer.put("username", "alice");
        answer.put("token_type", "Bearer");
        answer.put("act", TestTokens.act("booking-agent", "planner-agent"));
        return answer;
    }

    private Refusal refuse() {
        Refusal refusal = catchThrowableOfType(Refusal.class, () -> api.authenticate("Bearer " + TOKEN));
        assertThat(refusal).as("refused").isNotNull();
        return refusal;
    }

    @Test
    void anActiveAnswerIsThePrincipalAndTheApiAuthenticatesAsItself() throws Refusal {
        DelegatedPrincipal who = api.authenticate("Bearer " + TOKEN);

        assertThat(who.subject()).isEqualTo(ALICE);
        assertThat(who.username()).contains("alice");
        assertThat(who.chainDescription()).isEqualTo("booking-agent<planner-agent");
        assertThat(who.scopes()).contains("trips.read");
        assertThat(endpoint.bodies()).containsExactly("token=opaque.token-value&token_type_hint=access_token");
        // RFC 6749 2.3.1: id and secret are form-encoded before Base64
        assertThat(endpoint.authorizations()).containsExactly("Basic " + Base64.getEncoder()
                .encodeToString("travel-api:s3cret%3A%26".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void answersAreKeptForTheCacheTtlThenAskedAgain() throws Refusal {
        api.authenticate("Bearer " + TOKEN);
        clock.advance(Duration.ofSeconds(9));
        api.authenticate("Bearer " + TOKEN);
        assertThat(endpoint.requests()).isEqualTo(1);

        // the user revokes the agent: the next question after the TTL sees it
        endpoint.serve("{\"active\":false}");
        clock.advance(Duration.ofSeconds(1));
        Refusal refusal = refuse();
        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.error()).isEqualTo("invalid_token");
        assertThat(refusal.description()).isEqualTo("the token is not active (expired, revoked or unknown)");
        assertThat(endpoint.requests()).isEqualTo(2);

        // an inactive answer is kept as well: it never turns active again
        refuse();
        assertThat(endpoint.requests()).isEqualTo(2);
    }

    @Test
    void aCachedAnswerNeverOutlivesTheToken() throws Refusal {
        Map<String, Object> shortLived = active();
        shortLived.put("exp", NOW.plusSeconds(3).getEpochSecond());
        endpoint.serve(JSONObjectUtils.toJSONString(shortLived));
        api.authenticate("Bearer " + TOKEN);
        clock.advance(Duration.ofSeconds(3));
        endpoint.serve("{\"active\":false}");
        refuse();
        assertThat(endpoint.requests()).isEqualTo(2);
    }

    @Test
    void aZeroTtlAsksEveryTime() throws Refusal {
        ResourceServer uncached = ResourceServer.builder().issuer(ISSUER).audience(AUDIENCE).resource(TestTokens.RESOURCE)
                .introspection("travel-api", "secret").introspectionEndpoint(endpoint.url())
                .introspectionCacheTtl(Duration.ZERO).clock(clock).build();
        uncached.authenticate("Bearer " + TOKEN);
        uncached.authenticate("Bearer " + TOKEN);
        assertThat(endpoint.requests()).isEqualTo(2);
    }

    @Test
    void anActiveAnswerIsStillCheckedLikeAToken() {
        Map<String, Object> otherAudience = active();
        otherAudience.put("aud", "calendar-api");
        endpoint.serve(JSONObjectUtils.toJSONString(otherAudience));
        assertThat(refuse().description()).isEqualTo("the token is not meant for this resource (audience)");

        Map<String, Object> idToken = active();
        idToken.put("typ", "ID");
        idToken.put("token_type", "ID");
        endpoint.serve(JSONObjectUtils.toJSONString(idToken));
        assertThat(refuse().description()).isEqualTo("the token is not a bearer access token");

        Map<String, Object> otherIssuer = active();
        otherIssuer.put("iss", "https://id.example.org/realms/other");
        endpoint.serve(JSONObjectUtils.toJSONString(otherIssuer));
        assertThat(refuse().description()).isEqualTo("the token was not issued by this resource's authorization server");

        Map<String, Object> expired = active();
        expired.put("exp", NOW.minusSeconds(60).getEpochSecond());
        endpoint.serve(JSONObjectUtils.toJSONString(expired));
        assertThat(refuse().description()).isEqualTo("the token has expired");
        assertThat(endpoint.requests()).as("refused answers are not kept").isEqualTo(4);
    }

    @Test
    void anUnreachableEndpointFailsClosedWith503() {
        endpoint.answer(body -> new Loopback.Answer(401, "{\"error\":\"invalid_client\"}"));
        Refusal refusal = refuse();
        assertThat(refusal.status()).isEqualTo(503);
        assertThat(refusal.description()).isEqualTo("the authorization server cannot tell whether the token is active");
        assertThat(refusal.wwwAuthenticate()).isNull();

        endpoint.serve(JSONObjectUtils.toJSONString(active()));
        assertThat(catchThrowableOfType(Refusal.class, () -> api.authenticate("Bearer " + TOKEN))).as("not cached").isNull();
    }

    @Test
    void malformedAnswersAreRefused() {
        endpoint.serve("{\"active\":\"true\"}");
        assertThat(refuse().description()).isEqualTo("the token is not active (expired, revoked or unknown)");
        endpoint.serve("not json");
        clock.advance(Duration.ofSeconds(10));
        assertThat(refuse().status()).isEqualTo(503);
        assertThat(endpoint.requests()).isEqualTo(2);
    }
}
