package dev.actorbound.resourceserver;

import static dev.actorbound.resourceserver.TestTokens.AUDIENCE;
import static dev.actorbound.resourceserver.TestTokens.EC_KEY;
import static dev.actorbound.resourceserver.TestTokens.ISSUER;
import static dev.actorbound.resourceserver.TestTokens.KEY_1;
import static dev.actorbound.resourceserver.TestTokens.KEY_2;
import static dev.actorbound.resourceserver.TestTokens.METADATA_URL;
import static dev.actorbound.resourceserver.TestTokens.NOW;
import static dev.actorbound.resourceserver.TestTokens.act;
import static dev.actorbound.resourceserver.TestTokens.claims;
import static dev.actorbound.resourceserver.TestTokens.jwks;
import static dev.actorbound.resourceserver.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JWKS mode: what a token must be to pass, and the answer (status, error, description, challenge) when it is not. */
class JwksVerificationTest {

    private Loopback keys;
    private TestClock clock;
    private ResourceServer api;

    @BeforeEach
    void start() {
        keys = Loopback.serving("/realms/demo/protocol/openid-connect/certs");
        keys.serve(jwks(KEY_1, EC_KEY));
        clock = new TestClock(NOW);
        api = ResourceServer.builder().issuer(ISSUER).audience(AUDIENCE).resource(TestTokens.RESOURCE)
                .jwksUri(keys.url()).clock(clock).build();
    }

    @AfterEach
    void stop() {
        keys.close();
    }

    private DelegatedPrincipal accept(String token) throws Refusal {
        return api.authenticate("Bearer " + token);
    }

    private Refusal refuse(String token) {
        return refuseHeader("Bearer " + token);
    }

    private Refusal refuseHeader(String header) {
        Refusal refusal = catchThrowableOfType(Refusal.class, () -> api.authenticate(header));
        assertThat(refusal).as("refused").isNotNull();
        return refusal;
    }

    private static void assertInvalidToken(Refusal refusal, String description) {
        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.error()).isEqualTo("invalid_token");
        assertThat(refusal.description()).isEqualTo(description);
        assertThat(refusal.wwwAuthenticate()).isEqualTo("Bearer error=\"invalid_token\", error_description=\""
                + description + "\", resource_metadata=\"" + METADATA_URL + "\"");
    }

    // ---- accepted ----

    @Test
    void aDelegatedTokenShowsTheUserTheAgentAndTheWholeChain() throws Refusal {
        String token = sign(KEY_1, claims().claim("act", act("booking-agent", "planner-agent"))
                .claim("azp", "booking-agent").claim("origin_client_id", "travel-planner").build());

        DelegatedPrincipal who = accept(token);

        assertThat(who.subject()).isEqualTo(TestTokens.ALICE);
        assertThat(who.getName()).isEqualTo(TestTokens.ALICE);
        assertThat(who.username()).contains("alice");
        assertThat(who.isDelegated()).isTrue();
        assertThat(who.agent()).contains(new Actor("sa-booking-agent", "booking-agent"));
        assertThat(who.chain()).containsExactly(new Actor("sa-booking-agent", "booking-agent"),
                new Actor("sa-planner-agent", "planner-agent"));
        assertThat(who.depth()).isEqualTo(2);
        assertThat(who.chainDescription()).isEqualTo("booking-agent<planner-agent");
        assertThat(who.clientId()).contains("booking-agent");
        assertThat(who.app()).contains("travel-planner");
        assertThat(who.scopes()).containsExactly("openid", "trips.read");
        assertThat(who.realmRoles()).containsExactly("reader");
        assertThat(who.clientRoles()).isEqualTo(Map.of("travel-api", Set.of("viewer")));
        assertThat(who.audience()).containsExactly(AUDIENCE, "account");
        assertThat(who.issuer()).contains(ISSUER);
        assertThat(who.expiresAt()).contains(NOW.plusSeconds(300));
        assertThat(who.toString()).isEqualTo(TestTokens.ALICE + " via booking-agent<planner-agent").doesNotContain("eyJ");
    }

    @Test
    void aTokenWithoutActIsTheUsersOwn() throws Refusal {
        DelegatedPrincipal who = accept(sign(KEY_1, claims().claim("act", null).build()));
        assertThat(who.isDelegated()).isFalse();
        assertThat(who.agent()).isEmpty();
        assertThat(who.chain()).isEmpty();
        assertThat(who.app()).contains("travel-planner");
    }

    @Test
    void anActorWithoutClientIdIsNamedBySubject() throws Refusal {
        DelegatedPrincipal who = accept(sign(KEY_1, claims().claim("act", Map.of("sub", "sa-x")).build()));
        assertThat(who.agent().orElseThrow().clientId()).isEmpty();
        assertThat(who.chainDescription()).isEqualTo("sa-x");
    }

    @Test
    void ecdsaKeysAndRfc9068TokenTypesAreAccepted() throws Refusal {
        assertThat(accept(sign(EC_KEY, claims().build())).subject()).isEqualTo(TestTokens.ALICE);
        // RFC 9068: the header says at+jwt, no Keycloak typ claim needed
        assertThat(accept(sign(KEY_1, claims().claim("typ", null).build(), new JOSEObjectType("at+jwt"))).subject())
                .isEqualTo(TestTokens.ALICE);
    }

    @Test
    void timesAreCheckedWithThirtySecondsOfSkew() throws Refusal {
        clock.advance(Duration.ofSeconds(300 + 29));
        assertThat(accept(sign(KEY_1, claims().build()))).isNotNull();
    }

    // ---- refused ----

    @Test
    void anExpiredTokenIsRefused() {
        String token = sign(KEY_1, claims().build());
        clock.advance(Duration.ofSeconds(300 + 30));
        assertInvalidToken(refuse(token), "the token has expired");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        assertInvalidToken(refuse(sign(KEY_1, claims().expirationTime(null).build())), "the token has no expiry");
    }

    @Test
    void aTokenNotValidYetIsRefused() {
        assertInvalidToken(refuse(sign(KEY_1, claims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build())),
                "the token is not valid yet");
        assertInvalidToken(refuse(sign(KEY_1, claims().issueTime(Date.from(NOW.plusSeconds(60))).build())),
                "the token is not valid yet");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        assertInvalidToken(refuse(sign(KEY_1, claims().audience("calendar-api").build())),
                "the token is not meant for this resource (audience)");
        assertInvalidToken(refuse(sign(KEY_1, claims().audience(List.of()).build())),
                "the token is not meant for this resource (audience)");
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        assertInvalidToken(refuse(sign(KEY_1, claims().issuer("https://id.example.org/realms/other").build())),
                "the token was not issued by this resource's authorization server");
        assertInvalidToken(refuse(sign(KEY_1, claims().issuer(ISSUER + "/").build())),
                "the token was not issued by this resource's authorization server");
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(new PlainHeader(), claims().build()).serialize();
        assertInvalidToken(refuse(none), "the token is not signed");
        // the same with a forged "signature" part
        assertInvalidToken(refuse(none + "c2lnbmF0dXJl"), "the token is malformed");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        // the classic key-confusion attack: HMAC with the published RSA key as the secret, under the RSA key's kid
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY_1.getKeyID()).build(),
                claims().build());
        jwt.sign(new MACSigner(KEY_1.toRSAPublicKey().getEncoded()));
        assertInvalidToken(refuse(jwt.serialize()), "the token is signed with an algorithm this resource does not accept");
        assertThat(keys.requests()).as("refused before any key lookup").isZero();
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String[] parts = sign(KEY_1, claims().build()).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"reader\"", "\"admin\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertInvalidToken(refuse(tampered), "the token's signature is invalid");
    }

    @Test
    void aTokenSignedByAnotherKeyUnderAKnownKidIsRefused() {
        assertInvalidToken(refuse(sign(TestTokens.rsa(KEY_1.getKeyID()), claims().build())), "the token's signature is invalid");
    }

    @Test
    void anIdTokenARefreshTokenAndASenderConstrainedTokenAreRefused() {
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("typ", "ID").build())), "the token is not a bearer access token");
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("typ", null).build())), "the token is not a bearer access token");
        assertInvalidToken(refuse(sign(KEY_1, claims().build(), new JOSEObjectType("logout+jwt"))),
                "the token is not a bearer access token");
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("typ", "DPoP").build())), "the token is not a bearer access token");
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("cnf", Map.of("jkt", "abc")).build())),
                "the token is sender-constrained (cnf); this resource accepts bearer tokens only");
    }

    @Test
    void malformedClaimsAreRefusedNotIgnored() {
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("act", "planner-agent").build())),
                "the token's act claim is malformed");
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("act", Map.of("client_id", "planner-agent")).build())),
                "the token's act claim is malformed");
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("realm_access", Map.of("roles", "reader")).build())),
                "the token's realm_access claim is malformed");
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("scope", List.of("openid")).build())),
                "the token's scope claim is malformed");
        assertInvalidToken(refuse(sign(KEY_1, claims().subject(null).build())), "the token names no subject");
    }

    @Test
    void anActNestedBeyondAnyRealChainIsRefused() {
        String[] agents = new String[DelegatedPrincipal.MAX_NESTING + 1];
        Arrays.setAll(agents, i -> "agent-" + i);
        assertInvalidToken(refuse(sign(KEY_1, claims().claim("act", act(agents)).build())), "the token's act claim is malformed");
    }

    @Test
    void garbageIsMalformed() {
        assertInvalidToken(refuse("abc.def.ghi"), "the token is malformed");
    }

    // ---- keys ----

    @Test
    void anUnknownKidRefetchesTheRotatedJwksAtMostOncePerInterval() throws Refusal {
        assertThat(accept(sign(KEY_1, claims().build()))).isNotNull();
        assertThat(keys.requests()).isEqualTo(1);

        // the realm rotates: key-2 signs from now on, key-1 is still published for tokens in flight
        keys.serve(jwks(KEY_2, KEY_1));
        clock.advance(Duration.ofSeconds(31));
        assertThat(accept(sign(KEY_2, claims().issueTime(Date.from(clock.instant())).build())).subject())
                .isEqualTo(TestTokens.ALICE);
        assertThat(keys.requests()).as("one refetch for the unknown kid").isEqualTo(2);
        assertThat(accept(sign(KEY_1, claims().build()))).isNotNull();
        assertThat(keys.requests()).as("known kids need no fetch").isEqualTo(2);

        // made-up kids do not make the resource hammer the authorization server
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            assertInvalidToken(refuse(sign(TestTokens.rsa("made-up-" + i), claims().build())),
                    "the token is signed with a key the authorization server does not publish");
        }
        assertThat(keys.requests()).as("no refetch within 30 s of the last").isEqualTo(2);
    }

    @Test
    void anUnknownKidRightAfterAFetchWaitsForTheInterval() throws Refusal {
        assertThat(accept(sign(KEY_1, claims().build()))).isNotNull();
        keys.serve(jwks(KEY_2, KEY_1));
        clock.advance(Duration.ofSeconds(5));
        String rotated = sign(KEY_2, claims().build());
        assertInvalidToken(refuse(rotated), "the token is signed with a key the authorization server does not publish");
        assertThat(keys.requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(25));
        assertThat(accept(rotated)).isNotNull();
        assertThat(keys.requests()).isEqualTo(2);
    }

    @Test
    void aKeyRemovedFromTheJwksStopsVerifyingWhenTheCacheExpires() throws Refusal {
        String old = sign(KEY_1, claims().expirationTime(Date.from(NOW.plus(Duration.ofHours(1)))).build());
        assertThat(accept(old)).isNotNull();
        keys.serve(jwks(KEY_2));

        clock.advance(Duration.ofMinutes(9));
        assertThat(accept(old)).as("still cached").isNotNull();
        clock.advance(Duration.ofMinutes(1));
        assertInvalidToken(refuse(old), "the token is signed with a key the authorization server does not publish");
        assertThat(keys.requests()).isEqualTo(2);
    }

    @Test
    void unreachableKeysFailClosedWithout401() {
        keys.answer(body -> new Loopback.Answer(500, "oops"));
        Refusal refusal = refuse(sign(KEY_1, claims().build()));
        assertThat(refusal.status()).isEqualTo(503);
        assertThat(refusal.error()).isEqualTo("temporarily_unavailable");
        assertThat(refusal.description()).isEqualTo("the authorization server's signing keys are not available");
        assertThat(refusal.wwwAuthenticate()).isNull();

        // and it does not ask again for every request
        refuse(sign(KEY_1, claims().build()));
        assertThat(keys.requests()).isEqualTo(1);
        keys.serve(jwks(KEY_1));
        clock.advance(Duration.ofSeconds(30));
        assertThat(catchThrowableOfType(Refusal.class, () -> accept(sign(KEY_1, claims().build())))).isNull();
    }

    // ---- the Authorization header ----

    @Test
    void noTokenAsksForOneWithTheMetadataUrl() {
        for (String header : new String[] {null, "", "Basic YWxpY2U6c2VjcmV0", "DPoP abc"}) {
            Refusal refusal = refuseHeader(header);
            assertThat(refusal.status()).isEqualTo(401);
            assertThat(refusal.error()).isNull();
            assertThat(refusal.wwwAuthenticate()).isEqualTo("Bearer resource_metadata=\"" + METADATA_URL + "\"");
        }
    }

    @Test
    void aMalformedBearerHeaderIsAnInvalidRequest() {
        for (String header : new String[] {"Bearer", "Bearer ", "Bearer a b", "Bearer <script>", "Bearer " + "a".repeat(20_001)}) {
            Refusal refusal = refuseHeader(header);
            assertThat(refusal.status()).as(header).isEqualTo(400);
            assertThat(refusal.error()).isEqualTo("invalid_request");
            assertThat(refusal.wwwAuthenticate()).isEqualTo("Bearer error=\"invalid_request\", error_description=\""
                    + "the Authorization header does not carry a well-formed bearer token\", resource_metadata=\""
                    + METADATA_URL + "\"");
        }
    }

    @Test
    void theSchemeIsCaseInsensitive() throws Refusal {
        assertThat(api.authenticate("bearer " + sign(KEY_1, claims().build()))).isNotNull();
    }
}
