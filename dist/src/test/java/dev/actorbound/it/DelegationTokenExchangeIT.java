package dev.actorbound.it;

import static dev.actorbound.it.TestClients.AUDIT;
import static dev.actorbound.it.TestClients.BOOKING_API;
import static dev.actorbound.it.TestClients.BOOKING_API_SECRET;
import static dev.actorbound.it.TestClients.CALENDAR_API;
import static dev.actorbound.it.Exchanges.DELEGATES;
import static dev.actorbound.it.Exchanges.MAX_CHAIN_DEPTH;
import static dev.actorbound.it.TestClients.PAYMENT;
import static dev.actorbound.it.Exchanges.claim;
import static dev.actorbound.it.Exchanges.depth;
import static dev.actorbound.it.Exchanges.realmRoles;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.NOT_AN_AGENT;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL §3 and §6: delegation token exchange, hop by hop. Every success is checked with Nimbus (nesting, user,
 * requester, lifetime, narrowing roles) and its {@code TOKEN_EXCHANGE} event; every refusal with its status,
 * {@code error}, {@code error_description}, its {@code TOKEN_EXCHANGE_ERROR} event and the absence of any token.
 *
 * <p>Three realms keep the tests independent: the main one; one whose app tokens carry {@code may_act}; one where
 * consents are removed by hand.
 */
@WithRealms
class DelegationTokenExchangeIT {

    private static final String NOT_CONSENTED = "the user has not consented to this agent for the subject token's client";
    private static final String NO_HAND_OFF = "the current actor may not hand off to this agent";
    private static final String LOOP = "the agent is already in the delegation chain";
    private static final String TOO_DEEP = "the delegation chain would exceed its maximum depth";
    private static final String INVALID_SUBJECT = "subject_token is not a valid, active access token of this realm";

    private static TestRealm realm;
    private static Exchanges ex;
    private static TestRealm mayActRealm;
    private static Exchanges mayAct;
    private static TestRealm consentRealm;
    private static Exchanges consent;

    @BeforeAll
    static void createRealms(TestRealm main, TestRealm mayActFresh, TestRealm consentFresh) {
        realm = main;
        ex = Exchanges.setUp(realm);
        ex.addAgent(AUDIT, "reader");
        ex.setAttribute(PAYMENT, DELEGATES, AUDIT);
        // travel-planner's tokens name booking-agent as an audience, so that Keycloak's stock standard exchange would
        // accept booking-agent as a requester: the laundering test then fails only if the extension lets it through.
        ex.addAudienceMapper(TestClients.APP, BOOKING);

        mayActRealm = mayActFresh;
        mayAct = Exchanges.setUp(mayActRealm);
        mayAct.setAttribute(PLANNER, DELEGATES, "");
        mayAct.addHardcodedJsonClaim(TestClients.APP, "may_act", "{\"client_id\":\"" + PAYMENT + "\"}");

        consentRealm = consentFresh;
        consent = Exchanges.setUp(consentRealm);
    }

    @BeforeEach
    void clearEvents() {
        realm.admin().clearEvents(realm.name());
        mayActRealm.admin().clearEvents(mayActRealm.name());
        consentRealm.admin().clearEvents(consentRealm.name());
    }

    // ---- success ----

    @Test
    void threeHopChainFromTheCodeFlowNestsNewestOutermostAndOnlyNarrows() throws Exception {
        String alice = realm.userId(TestRealm.ALICE);

        String hop1 = ex.codeFlowToken(PLANNER);
        JWTClaimsSet c1 = Jwt.verify(hop1, realm);
        assertThat(c1.getSubject()).isEqualTo(alice);
        assertThat(claim(c1, "azp")).isEqualTo(TestClients.APP);
        assertThat(c1.getJSONObjectClaim("act")).isEqualTo(ex.chain(PLANNER));
        assertThat(depth(c1)).isEqualTo(1);
        assertThat(realmRoles(c1)).containsExactly("reader");

        Exchanges.Attempt r2 = ex.exchange(BOOKING, hop1, Map.of("audience", BOOKING_API));
        JWTClaimsSet c2 = ex.assertIssued(r2, hop1, "booking-agent<planner-agent");
        assertThat(c2.getSubject()).isEqualTo(alice);
        assertThat(claim(c2, "azp")).isEqualTo(BOOKING);
        assertThat(c2.getJSONObjectClaim("act")).isEqualTo(ex.chain(PLANNER, BOOKING));
        assertThat(depth(c2)).isEqualTo(2);
        assertThat(claim(c2, "origin_client_id")).isEqualTo(TestClients.APP);
        assertThat(c2.getAudience()).contains(BOOKING_API);
        assertThat(c2.getExpirationTime()).isBeforeOrEqualTo(c1.getExpirationTime());
        // booking may carry reader and writer; the subject token only held reader.
        assertThat(realmRoles(c2)).containsExactly("reader");

        Exchanges.Attempt r3 = ex.exchange(PAYMENT, r2.accessToken(), Map.of("audience", BOOKING_API));
        JWTClaimsSet c3 = ex.assertIssued(r3, r2.accessToken(), "payment-agent<booking-agent<planner-agent");
        assertThat(c3.getSubject()).isEqualTo(alice);
        assertThat(claim(c3, "azp")).isEqualTo(PAYMENT);
        assertThat(c3.getJSONObjectClaim("act")).isEqualTo(ex.chain(PLANNER, BOOKING, PAYMENT));
        assertThat(depth(c3)).isEqualTo(3);
        assertThat(claim(c3, "origin_client_id")).isEqualTo(TestClients.APP);
        assertThat(c3.getAudience()).contains(BOOKING_API);
        assertThat(c3.getExpirationTime()).isBeforeOrEqualTo(c2.getExpirationTime());
        assertThat(realmRoles(c3)).containsExactly("reader");

        // Roles never widen along the chain.
        assertThat(realmRoles(c1)).containsAll(realmRoles(c2));
        assertThat(realmRoles(c2)).containsAll(realmRoles(c3));
        // Nor do scopes: an exchange without a scope parameter gets at most what its subject token held.
        assertThat(Exchanges.scopes(c1)).containsAll(Exchanges.scopes(c2));
        assertThat(Exchanges.scopes(c2)).containsAll(Exchanges.scopes(c3));

        // A resource server introspecting sees the whole chain, newest outermost.
        for (Exchanges.Attempt hop : new Exchanges.Attempt[] {r2, r3}) {
            JsonNode introspection = realm.oauth().introspect(realm.name(), hop.accessToken(), BOOKING_API, BOOKING_API_SECRET);
            assertThat(introspection.path("active").asBoolean()).as(introspection.toString()).isTrue();
            assertThat(introspection.path("sub").asText()).isEqualTo(alice);
            Map<?, ?> expected = hop == r2 ? ex.chain(PLANNER, BOOKING) : ex.chain(PLANNER, BOOKING, PAYMENT);
            assertThat(Admin.JSON.convertValue(introspection.path("act"), Map.class)).as(introspection.toString())
                    .isEqualTo(expected);
        }
    }

    @Test
    void firstHopFromAPlainUserTokenNeedsTheStoredConsentAndStartsTheChain() throws Exception {
        ex.flow().delegatedCode(PLANNER); // alice consents to planner-agent for travel-planner
        String plain = ex.plainToken();
        assertThat(Jwt.verify(plain, realm).getClaim("act")).isNull();

        Exchanges.Attempt attempt = ex.exchange(PLANNER, plain);

        JWTClaimsSet claims = ex.assertIssued(attempt, plain, "planner-agent");
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getJSONObjectClaim("act")).isEqualTo(ex.chain(PLANNER));
        assertThat(claim(claims, "origin_client_id")).isEqualTo(TestClients.APP);
        // planner-agent may carry reader only, although alice and her plain token hold reader and writer.
        assertThat(realmRoles(Jwt.verify(plain, realm))).contains("reader", "writer");
        assertThat(realmRoles(claims)).containsExactly("reader");
    }

    // ---- who may act ----

    @Test
    void firstHopWithoutConsentIsRefused() {
        // alice never ran the code flow for payment-agent in this realm (payment-agent accepts travel-planner).
        ex.assertRefused(ex.exchange(PAYMENT, ex.plainToken()), "invalid_grant", NOT_CONSENTED);
    }

    @Test
    void handOffToAnAgentTheCurrentActorDoesNotDelegateToIsRefused() {
        // planner-agent delegates booking-agent only; the token carries no may_act.
        ex.assertRefused(ex.exchange(PAYMENT, ex.codeFlowToken(PLANNER)), "invalid_grant", NO_HAND_OFF);
    }

    @Test
    void agentAlreadyInTheChainIsALoop() {
        String hop2 = ex.exchange(BOOKING, ex.codeFlowToken(PLANNER)).accessToken();
        assertThat(hop2).isNotBlank();
        // Even when booking-agent is configured to hand back to planner-agent, the loop is refused.
        ex.setAttribute(BOOKING, DELEGATES, PAYMENT + "," + PLANNER);
        try {
            ex.assertRefused(ex.exchange(PLANNER, hop2), "invalid_request", LOOP);
        } finally {
            ex.setAttribute(BOOKING, DELEGATES, PAYMENT);
        }
    }

    @Test
    void agentHandingOffToItselfIsALoop() {
        String hop1 = ex.codeFlowToken(PLANNER);
        ex.setAttribute(PLANNER, DELEGATES, BOOKING + "," + PLANNER);
        try {
            ex.assertRefused(ex.exchange(PLANNER, hop1), "invalid_request", LOOP);
        } finally {
            ex.setAttribute(PLANNER, DELEGATES, BOOKING);
        }
    }

    @Test
    void chainDepthIsLimitedPerAgent() {
        String hop1 = ex.codeFlowToken(PLANNER);
        ex.setAttribute(BOOKING, MAX_CHAIN_DEPTH, "1");
        try {
            ex.assertRefusedStartingWith(ex.exchange(BOOKING, hop1), "invalid_request", TOO_DEEP);
        } finally {
            ex.setAttribute(BOOKING, MAX_CHAIN_DEPTH, "");
        }
        // The limit was the only reason: without it the same hand-off goes through.
        ex.assertIssued(ex.exchange(BOOKING, hop1), hop1, "booking-agent<planner-agent");
    }

    @Test
    void defaultDepthAllowsThreeActorsButNotFour() {
        String hop1 = ex.codeFlowToken(PLANNER);
        Exchanges.Attempt hop2 = ex.exchange(BOOKING, hop1);
        ex.assertIssued(hop2, hop1, "booking-agent<planner-agent");
        Exchanges.Attempt hop3 = ex.exchange(PAYMENT, hop2.accessToken());
        ex.assertIssued(hop3, hop2.accessToken(), "payment-agent<booking-agent<planner-agent");

        // payment-agent delegates audit-agent, but a fourth actor exceeds the default maximum of 3.
        ex.assertRefusedStartingWith(ex.exchange(AUDIT, hop3.accessToken()), "invalid_request", TOO_DEEP);
    }

    @Test
    void requesterThatIsNotAnAgentIsRefused() {
        ex.assertRefused(ex.exchange(NOT_AN_AGENT, ex.codeFlowToken(PLANNER)), "unauthorized_client",
                "the requesting client is not an agent");
    }

    @Test
    void actorTokenOfAnotherAgentIsRefused() {
        // booking-agent authenticates but presents planner-agent's own token as its actor token.
        ex.assertRefused(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), ex.ownToken(PLANNER), Map.of()),
                "invalid_grant", "actor_token does not belong to the requesting agent");
    }

    @Test
    void delegatedTokenIsNotTheRequestersOwnActorToken() {
        String hop1 = ex.codeFlowToken(PLANNER);
        String bookingDelegated = ex.exchange(BOOKING, hop1).accessToken();
        assertThat(bookingDelegated).isNotBlank();
        // azp is booking-agent, but sub is alice and it carries act: not booking-agent's own token.
        ex.assertRefused(ex.exchange(BOOKING, hop1, bookingDelegated, Map.of()),
                "invalid_grant", "actor_token must be the agent's own token, not a delegated token");
    }

    @Test
    void delegatedSubjectTokenWithoutActorTokenIsRefused() {
        ex.assertRefused(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), null, Map.of()),
                "invalid_request", "actor_token is required for delegation token exchange");
    }

    /** Keycloak issue #52691: the stock standard exchange must never turn a delegated token into one without act. */
    @Test
    void standardTokenExchangeCannotLaunderADelegatedToken() throws Exception {
        ex.setAttribute(BOOKING, "standard.token.exchange.enabled", "true");
        try {
            // Control: the stock exchange is really on for booking-agent and accepts travel-planner's tokens.
            String plain = ex.plainToken();
            Exchanges.Attempt stock = ex.exchange(BOOKING, plain, null, Map.of());
            assertThat(stock.response().status()).as("stock standard exchange (control): %s", stock).isEqualTo(200);
            assertThat(Jwt.verify(stock.accessToken(), realm).getClaim("act")).isNull();

            String delegated = ex.codeFlowToken(PLANNER);
            assertThat(Jwt.verify(delegated, realm).getAudience()).contains(BOOKING);
            Exchanges.Attempt attempt = ex.exchange(BOOKING, delegated, null, Map.of());
            assertThat(attempt.response().status()).as("a delegated token without actor_token: %s", attempt)
                    .isNotEqualTo(200).isEqualTo(400);
            ex.assertRefused(attempt, "invalid_request", "actor_token is required for delegation token exchange");
        } finally {
            ex.setAttribute(BOOKING, "standard.token.exchange.enabled", "false");
        }
    }

    // ---- the subject token ----

    @Test
    void garbageSubjectTokenIsLeftToKeycloakWhichRefusesIt() {
        assertRefusedByKeycloak(ex.exchange(BOOKING, "not-a-token"));
    }

    @Test
    void unsignedSubjectTokenIsRefused() {
        String[] parts = ex.codeFlowToken(PLANNER).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

        ex.assertRefused(ex.exchange(BOOKING, none + "." + parts[1] + "."), "invalid_grant", INVALID_SUBJECT);
    }

    @Test
    void subjectTokenOfAnotherRealmIsLeftToKeycloakWhichRefusesIt() {
        String foreign = mayAct.codeFlowToken(PLANNER);

        assertRefusedByKeycloak(ex.exchange(BOOKING, foreign));
    }

    /**
     * A subject token that is not this realm's is not a delegation of this realm: the extension leaves it to
     * Keycloak's own exchanges (which may trust other issuers), and here Keycloak refuses it, issuing nothing.
     */
    private static void assertRefusedByKeycloak(Exchanges.Attempt attempt) {
        assertThat(attempt.response().status()).as(attempt.toString()).isEqualTo(400);
        assertThat(attempt.response().error()).isEqualTo("invalid_request");
        assertThat(attempt.response().errorDescription()).isEqualTo("Standard token exchange is not enabled for the requested client");
        assertThat(attempt.response().body().has("access_token")).isFalse();
    }

    @Test
    void disabledUserIsRefused() {
        String hop1 = ex.codeFlowToken(PLANNER);
        String alice = realm.userId(TestRealm.ALICE);
        realm.admin().setUserEnabled(realm.name(), alice, false);
        try {
            ex.refusal(ex.exchange(BOOKING, hop1), "invalid_grant");
        } finally {
            realm.admin().setUserEnabled(realm.name(), alice, true);
        }
    }

    /**
     * Keycloak's own exchange refuses public clients; so does the delegation exchange, earlier: an agent is a
     * confidential client, so one an admin switched to public (after it got its own token) is no agent any more.
     */
    @Test
    void agentSwitchedToPublicClientCannotExchange() {
        String hop1 = ex.codeFlowToken(PLANNER);
        String ownToken = ex.ownToken(BOOKING);
        realm.admin().updateClient(realm.name(), BOOKING, client -> client.put("publicClient", true));
        try {
            ex.assertRefused(ex.exchange(BOOKING, hop1, ownToken, Map.of()), "unauthorized_client",
                    "the requesting client is not an agent");
        } finally {
            // Keycloak drops a client's secret when it turns public: give it back.
            realm.admin().updateClient(realm.name(), BOOKING,
                    client -> client.put("publicClient", false).put("secret", TestClients.BOOKING_SECRET));
        }
    }

    @Test
    void agentInTheChainThatStoppedBeingAnAgentMakesTheNextHopFail() {
        String hop1 = ex.codeFlowToken(PLANNER);
        String serviceAccount = realm.agentServiceAccountId(PLANNER);
        realm.admin().removeRealmRolesFromUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        try {
            ex.assertRefused(ex.exchange(BOOKING, hop1), "invalid_grant", "the current actor is no longer an available agent");
        } finally {
            realm.admin().addRealmRolesToUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        }
    }

    // ---- scope and audience ----

    @Test
    void scopeBeyondTheSubjectTokenIsRefused() throws Exception {
        String hop1 = ex.codeFlowToken(PLANNER);
        assertThat(Exchanges.scopes(Jwt.verify(hop1, realm))).doesNotContain("phone");

        ex.assertRefusedStartingWith(ex.exchange(BOOKING, hop1, Map.of("scope", "openid phone")),
                "invalid_scope", "requested scope");
    }

    @Test
    void unknownAudienceIsRefused() {
        ex.assertRefusedStartingWith(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("audience", "no-such-client")),
                "invalid_target", "requested audience");
    }

    /** PostgreSQL refuses a query holding a NUL character; the audience still is just an unknown one, never a 500. */
    @Test
    void audienceWithANulCharacterIsRefused() {
        ex.assertRefusedStartingWith(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("audience", CALENDAR_API + "\u0000")),
                "invalid_target", "requested audience");
        ex.assertRefusedStartingWith(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER),
                Map.of("resource", "urn:client:" + CALENDAR_API + "\u0000")), "invalid_target", "requested");
    }

    @Test
    void audienceTheAgentCannotReachIsRefused() {
        ex.assertRefusedStartingWith(ex.exchange(BOOKING, ex.codeFlowToken(PLANNER), Map.of("audience", CALENDAR_API)),
                "invalid_target", "requested audience");
    }

    // ---- live state ----

    @Test
    void roleRemovedFromTheUserIsGoneAtTheNextExchange() throws Exception {
        String hop1 = ex.codeFlowToken(PLANNER);
        JWTClaimsSet before = ex.assertIssued(ex.exchange(BOOKING, hop1), hop1, "booking-agent<planner-agent");
        assertThat(realmRoles(before)).contains("reader");

        String alice = realm.userId(TestRealm.ALICE);
        realm.admin().removeRealmRolesFromUser(realm.name(), alice, "reader");
        try {
            Exchanges.Attempt after = ex.exchange(BOOKING, hop1);
            if (after.response().status() == 200) {
                assertThat(realmRoles(ex.assertIssued(after, hop1, "booking-agent<planner-agent")))
                        .as("a role removed from the user must not survive the next exchange").doesNotContain("reader");
            } else {
                ex.refusal(after, "invalid_grant");
            }
        } finally {
            realm.admin().addRealmRolesToUser(realm.name(), alice, "reader");
        }
    }

    // ---- may_act (realm whose travel-planner tokens carry may_act = {client_id: payment-agent}) ----

    @Test
    void mayActNamingTheRequesterAllowsAHandOffTheDelegatesDoNotList() throws Exception {
        String hop1 = mayAct.codeFlowToken(PLANNER);
        JWTClaimsSet subject = Jwt.verify(hop1, mayActRealm);
        assertThat(subject.getJSONObjectClaim("may_act")).as("precondition: the subject token names payment-agent")
                .isEqualTo(Map.of("client_id", PAYMENT));

        JWTClaimsSet claims = mayAct.assertIssued(mayAct.exchange(PAYMENT, hop1), hop1, "payment-agent<planner-agent");
        assertThat(claims.getJSONObjectClaim("act")).isEqualTo(mayAct.chain(PLANNER, PAYMENT));
        assertThat(claims.getSubject()).isEqualTo(mayActRealm.userId(TestRealm.ALICE));
        assertThat(realmRoles(claims)).containsExactly("reader");
    }

    @Test
    void mayActNamingAnotherAgentDoesNotAllowTheRequester() {
        // may_act names payment-agent; booking-agent is not in planner-agent's (empty) delegates either.
        mayAct.assertRefused(mayAct.exchange(BOOKING, mayAct.codeFlowToken(PLANNER)), "invalid_grant", NO_HAND_OFF);
    }

    // ---- consent revoked (a realm of its own: alice revokes everything there) ----

    @Test
    void consentRevokedBetweenTwoExchangesRefusesFirstAndNextHop() {
        Delegations flow = consent.flow();
        String plain = consent.plainToken();
        flow.delegatedCode(BOOKING); // consent (travel-planner, booking-agent): for the first hop
        String hop1 = consent.codeFlowToken(PLANNER); // consent (travel-planner, planner-agent): root of the chain

        consent.assertIssued(consent.exchange(BOOKING, plain), plain, "booking-agent");
        consent.assertIssued(consent.exchange(BOOKING, hop1), hop1, "booking-agent<planner-agent");

        consentRealm.revokeStoredConsents(TestRealm.ALICE);

        consent.assertRefused(consent.exchange(BOOKING, plain), "invalid_grant", NOT_CONSENTED);
        consent.assertRefused(consent.exchange(BOOKING, hop1), "invalid_grant",
                "the user's consent for this delegation was revoked");
    }
}
