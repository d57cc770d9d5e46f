package dev.actorbound.it;

import static dev.actorbound.it.TestClients.BOOKING_API;
import static dev.actorbound.it.TestClients.BOOKING_API_SECRET;
import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.actorbound.resourceserver.Actor;
import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;
import dev.actorbound.resourceserver.Refusal;
import dev.actorbound.resourceserver.ResourceServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resource-server library on real Keycloak tokens: the code flow's token and a hand-off's token show the user,
 * the acting agent and the chain as Keycloak wrote them (cross-checked with {@link Jwt#verify}); the library refuses
 * what an API must refuse (an agent's own actor token, an ID token); and a revocation is seen at once in
 * introspection mode, while JWKS mode keeps accepting the token until it expires — the trade-off the README names.
 */
@WithRealms
class ResourceServerLibraryIT {

    private static final String RESOURCE = "https://api.example.org/bookings";
    private static final String METADATA = "https://api.example.org/.well-known/oauth-protected-resource/bookings";

    private static TestRealm realm;
    private static Exchanges ex;
    private static ResourceServer jwks;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        ex = Exchanges.setUp(realm);
        // the app's tokens name booking-api, so that the code flow's token is one the API may accept
        ex.addAudienceMapper(APP, BOOKING_API);
        jwks = ResourceServer.builder().issuer(realm.issuer()).audience(BOOKING_API).resource(RESOURCE).build();
    }

    @BeforeEach
    void clearEvents() {
        realm.admin().clearEvents(realm.name());
    }

    private static ResourceServer introspecting() {
        // no cache, so that the test needs no clock: the cache only delays what this shows by its TTL
        return ResourceServer.builder().issuer(realm.issuer()).audience(BOOKING_API).resource(RESOURCE)
                .introspection(BOOKING_API, BOOKING_API_SECRET).introspectionCacheTtl(Duration.ZERO).build();
    }

    private static Refusal refusal(ResourceServer api, String token, DelegationRules rules) {
        Refusal refusal = catchThrowableOfType(Refusal.class, () -> api.authenticate("Bearer " + token, rules));
        assertThat(refusal).as("refused").isNotNull();
        return refusal;
    }

    private static Actor actor(String agent) {
        return new Actor(realm.agentServiceAccountId(agent), agent);
    }

    @Test
    void theCodeFlowTokenNamesTheUserAndTheAgentTheUserConsentedTo() throws Exception {
        String token = ex.codeFlowToken(PLANNER);
        JWTClaimsSet claims = Jwt.verify(token, realm);

        DelegatedPrincipal who = jwks.authenticate("Bearer " + token,
                DelegationRules.builder().requireDelegation().allowAgents(PLANNER).maxDepth(1).requireRealmRoles("reader").build());

        assertThat(who.subject()).isEqualTo(realm.userId(TestRealm.ALICE)).isEqualTo(claims.getSubject());
        assertThat(who.username()).contains(TestRealm.ALICE);
        assertThat(who.agent()).contains(actor(PLANNER));
        assertThat(who.chain()).containsExactly(actor(PLANNER));
        assertThat(who.clientId()).contains(APP);
        assertThat(who.app()).contains(APP);
        assertThat(who.realmRoles()).containsExactlyInAnyOrderElementsOf(Exchanges.realmRoles(claims)).contains("reader");
        assertThat(who.scopes()).containsExactlyInAnyOrderElementsOf(Exchanges.scopes(claims));
        assertThat(who.audience()).containsExactlyInAnyOrderElementsOf(claims.getAudience()).contains(BOOKING_API);
        assertThat(who.expiresAt()).contains(claims.getExpirationTime().toInstant());

        // the same token, seen by introspection, is the same principal
        DelegatedPrincipal introspected = introspecting().authenticate("Bearer " + token);
        assertThat(introspected.subject()).isEqualTo(who.subject());
        assertThat(introspected.username()).isEqualTo(who.username());
        assertThat(introspected.chain()).isEqualTo(who.chain());
        assertThat(introspected.realmRoles()).isEqualTo(who.realmRoles());
    }

    @Test
    void aHandOffTokenShowsTheWholeChainNewestFirst() throws Exception {
        String hop1 = ex.codeFlowToken(PLANNER);
        Exchanges.Attempt hop2 = ex.exchange(BOOKING, hop1, Map.of("audience", BOOKING_API));
        JWTClaimsSet claims = ex.assertIssued(hop2, hop1, "booking-agent<planner-agent");

        DelegatedPrincipal who = jwks.authenticate("Bearer " + hop2.accessToken());

        assertThat(who.subject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(who.agent()).contains(actor(BOOKING));
        assertThat(who.chain()).containsExactly(actor(BOOKING), actor(PLANNER));
        assertThat(who.depth()).isEqualTo(2).isEqualTo(Exchanges.depth(claims));
        assertThat(who.chainDescription()).isEqualTo("booking-agent<planner-agent");
        assertThat(who.clientId()).contains(BOOKING);
        assertThat(who.app()).as("origin_client_id").contains(APP);
        assertThat(who.realmRoles()).containsExactly("reader");

        assertThat(catchThrowableOfType(Refusal.class, () -> jwks.authenticate("Bearer " + hop2.accessToken(),
                DelegationRules.builder().allowAgents(BOOKING).maxDepth(2).build()))).isNull();
        Refusal planner = refusal(jwks, hop2.accessToken(), DelegationRules.builder().allowAgents(PLANNER).build());
        assertThat(planner.status()).isEqualTo(403);
        assertThat(planner.wwwAuthenticate()).isEqualTo("Bearer error=\"insufficient_scope\", "
                + "error_description=\"the acting agent is not allowed for this resource\", resource_metadata=\"" + METADATA + "\"");
        Refusal tooDeep = refusal(jwks, hop2.accessToken(), DelegationRules.builder().maxDepth(1).build());
        assertThat(tooDeep.description()).isEqualTo("the delegation chain is longer than 1 for this resource");
    }

    @Test
    void anAgentsOwnTokenAndAnIdTokenAreRefused() {
        // an actor token restricted to the token endpoint, and a plain client_credentials token: neither names the API
        String restricted = realm.oauth().token(realm.name(), Map.of("grant_type", "client_credentials",
                "scope", "actorbound-actor"), PLANNER, TestClients.PLANNER_SECRET).accessToken();
        for (String own : List.of(restricted, ex.ownToken(PLANNER))) {
            Refusal refusal = refusal(jwks, own, DelegationRules.none());
            assertThat(refusal.status()).isEqualTo(401);
            assertThat(refusal.error()).isEqualTo("invalid_token");
            assertThat(refusal.description()).isEqualTo("the token is not meant for this resource (audience)");
        }

        // an API that (wrongly) accepted the app's client id as audience still refuses the app's ID token
        OAuth.TokenResponse tokens = ex.flow().redeem(ex.flow().delegatedCode(PLANNER), ex.ownToken(PLANNER));
        String idToken = tokens.body().path("id_token").asText();
        assertThat(idToken).isNotBlank();
        ResourceServer appAudience = ResourceServer.builder().issuer(realm.issuer()).audience(APP).resource(RESOURCE).build();
        assertThat(refusal(appAudience, idToken, DelegationRules.none()).description())
                .isEqualTo("the token is not a bearer access token");
    }

    @Test
    void aRevokedConsentIsRefusedAtOnceByIntrospectionWhileJwksModeAcceptsUntilExpiry() throws Exception {
        String token = ex.codeFlowToken(PLANNER);
        ResourceServer introspection = introspecting();
        assertThat(introspection.authenticate("Bearer " + token).agent()).contains(actor(PLANNER));
        assertThat(jwks.authenticate("Bearer " + token).agent()).contains(actor(PLANNER));

        String consents = "/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE) + "/consents/" + PLANNER;
        assertThat(realm.admin().delete(consents, null).status()).isEqualTo(204);

        Refusal refused = refusal(introspection, token, DelegationRules.none());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("invalid_token");
        assertThat(refused.description()).isEqualTo("the token is not active (expired, revoked or unknown)");
        assertThat(refused.wwwAuthenticate()).isEqualTo("Bearer error=\"invalid_token\", error_description=\"the token "
                + "is not active (expired, revoked or unknown)\", resource_metadata=\"" + METADATA + "\"");
        List<ObjectNode> events = realm.admin().events(realm.name(), "INTROSPECT_TOKEN_ERROR");
        assertThat(events).as("Keycloak says why").anySatisfy(event -> {
            assertThat(event.path("error").asText()).isEqualTo("consent_revoked");
            assertThat(event.path("clientId").asText()).isEqualTo(BOOKING_API);
            assertThat(event.path("details").path("reason").asText()).isEqualTo("the user's consent to this agent was revoked");
            assertThat(event.path("details").path("actor").asText()).isEqualTo(PLANNER);
        });

        // JWKS mode checks the signature and the times only: the revoked token still passes until its exp
        DelegatedPrincipal stillAccepted = jwks.authenticate("Bearer " + token);
        assertThat(stillAccepted.agent()).contains(actor(PLANNER));
        assertThat(stillAccepted.expiresAt().orElseThrow()).isEqualTo(Jwt.verify(token, realm).getExpirationTime().toInstant());
    }
}
