package dev.actorbound.it;

import static dev.actorbound.it.TestClients.WIDE;
import static dev.actorbound.it.TestClients.WIDE_SECRET;
import static dev.actorbound.it.TestClients.PHOTO_API;
import static dev.actorbound.it.TestClients.PHOTO_API_SECRET;
import static dev.actorbound.it.Exchanges.allRoles;
import static dev.actorbound.it.Exchanges.scopes;
import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.DelegationBinding;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise on the paths around the extension's own grants: no delegated token is wider than agent ∩ user ∩
 * consent, whatever grant, mapper or default setting it passes through. One test per attack of the security review.
 *
 * <p>Realm: {@link Exchanges#setUp} plus {@code photo-api}, a client with Authorization Services and a client role
 * {@code photos.view} that alice holds; travel-planner keeps Keycloak's default <em>Full scope allowed</em>, so its
 * plain tokens carry that role and name photo-api as audience, and it has {@code microprofile-jwt} as a default
 * scope, whose {@code groups} claim lists roles through a protocol mapper.
 */
@WithRealms
class IntersectionInvariantIT {

    static final String UMA = "urn:ietf:params:oauth:grant-type:uma-ticket";
    static final String DELEGATED_TOKEN_ELSEWHERE =
            "a delegated token (one with act) cannot be used with this grant type; use the delegation token exchange";
    static final String FULL_SCOPE_AGENT =
            "the agent has Full scope allowed switched on: an agent may only act with the roles mapped to it explicitly";
    static final String AGENT_UNAVAILABLE =
            "the agent is no longer available (disabled, deleted, no longer an agent, or Full scope allowed switched on)";
    static final String SCOPE_NOT_CONSENTED = "requested scope exceeds what the subject token and the user's consent allow";
    static final String REUSED_CHALLENGE = "the code reuses the PKCE challenge of an agent-bound code already presented;"
            + " every authorization request needs its own code_challenge";
    static final String DPOP_MISSING = "the subject_token is DPoP-bound: the request needs a DPoP proof of the same key";
    static final String DPOP_MISMATCH = "the DPoP proof's key does not match the subject_token's binding";

    private static TestRealm realm;
    private static Exchanges ex;

    @BeforeAll
    static void createRealm(KeycloakServer server, TestRealm fresh) {
        realm = fresh;
        ex = Exchanges.setUp(realm);
        Admin admin = realm.admin();
        admin.createClient(realm.name(), Map.of("clientId", PHOTO_API, "publicClient", false, "secret", PHOTO_API_SECRET,
                "serviceAccountsEnabled", true, "authorizationServicesEnabled", true, "standardFlowEnabled", false,
                "directAccessGrantsEnabled", false));
        admin.createClientRole(realm.name(), PHOTO_API, "photos.view");
        // Permissive enforcement with one resource: the UMA grant then issues a token without any policy to write.
        String photoApi = "/realms/" + realm.name() + "/clients/" + admin.clientUuid(realm.name(), PHOTO_API);
        admin.put(photoApi + "/authz/resource-server", Map.of("policyEnforcementMode", "PERMISSIVE",
                "decisionStrategy", "UNANIMOUS")).expectOk("permissive photo-api");
        admin.post(photoApi + "/authz/resource-server/resource", Map.of("name", "photos")).expectOk("photos resource");
        admin.addClientRolesToUser(realm.name(), realm.userId(TestRealm.ALICE), PHOTO_API, "photos.view");
        admin.assignClientScope(realm.name(), APP, "microprofile-jwt", "default");
        realm.addAgent(WIDE, WIDE_SECRET, "Wide Agent", null, "reader");
        admin.updateClient(realm.name(), WIDE, c -> c.put("fullScopeAllowed", true));
    }

    // ---- 1. UMA ----

    @Test
    void umaGrantRefusesADelegatedBearerTokenInsteadOfStrippingAct() {
        String delegated = ex.codeFlowToken(PLANNER);
        int before = realm.admin().events(realm.name(), "PERMISSION_TOKEN_ERROR").size();

        OAuth.TokenResponse response = realm.oauth().token(realm.name(),
                Map.of("grant_type", UMA, "audience", PHOTO_API), null, null, Map.of("Authorization", "Bearer " + delegated));

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("invalid_grant");
        assertThat(response.errorDescription()).isEqualTo(DELEGATED_TOKEN_ELSEWHERE);
        assertThat(response.body().has("access_token")).isFalse();
        assertThat(response.body().has("refresh_token")).isFalse();
        List<ObjectNode> errors = realm.admin().events(realm.name(), "PERMISSION_TOKEN_ERROR");
        assertThat(errors).hasSize(before + 1);
        assertThat(errors.get(0).path("details").path("reason").asText()).isEqualTo(DELEGATED_TOKEN_ELSEWHERE);
        assertThat(errors.get(0).path("details").path("actor").asText()).isEqualTo(PLANNER);
        assertThat(errors.get(0).toString()).doesNotContain("eyJ");
    }

    @Test
    void umaGrantStillServesPlainTokens() {
        OAuth.TokenResponse response = realm.oauth().token(realm.name(),
                Map.of("grant_type", UMA, "audience", PHOTO_API), null, null, Map.of("Authorization", "Bearer " + ex.plainToken()));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(Jwt.verify(response.accessToken(), realm).getClaim("act")).isNull();
    }

    // ---- 2. roles outside realm_access / resource_access, and aud ----

    @Test
    void mapperBuiltRoleClaimsAndAudienceAreNarrowedToo() throws Exception {
        JWTClaimsSet plain = Jwt.verify(ex.plainToken(), realm);
        assertThat(plain.getStringListClaim("groups")).as("the set-up leaks through groups for a plain token")
                .contains("reader", "writer");
        assertThat(plain.getAudience()).contains(PHOTO_API);

        JWTClaimsSet delegated = Jwt.verify(ex.codeFlowToken(PLANNER), realm);

        assertThat(delegated.getStringListClaim("groups")).as("groups of a token for planner-agent (reader)")
                .containsExactly("reader");
        assertThat(allRoles(delegated)).containsExactly("reader");
        assertThat(delegated.getAudience()).as("no API whose roles were stripped").doesNotContain(PHOTO_API);
    }

    // ---- 3. Full scope allowed ----

    @Test
    void anAgentLeftAtFullScopeAllowedIsRefusedWithAClearMessage() {
        HttpLogin.Outcome outcome = ex.flow().authorize(Map.of("requested_actor", WIDE));

        ex.flow().assertAuthorizationRefused(outcome, "invalid_request", FULL_SCOPE_AGENT);
    }

    @Test
    void anAgentSwitchedToFullScopeAfterConsentGetsNoToken() {
        Delegations.Code code = ex.flow().delegatedCode(BOOKING);
        String actorToken = ex.ownToken(BOOKING);
        realm.admin().updateClient(realm.name(), BOOKING, c -> c.put("fullScopeAllowed", true));
        try {
            ex.flow().assertRefused(ex.flow().redeem(code, actorToken), "invalid_grant", AGENT_UNAVAILABLE,
                    ActorboundErrors.AGENT_UNAVAILABLE, BOOKING);
        } finally {
            realm.admin().updateClient(realm.name(), BOOKING, c -> c.put("fullScopeAllowed", false));
        }
    }

    // ---- 4. scope through exchange ----

    @Test
    void anExchangeNeverAddsTheRequestersDefaultScopes() throws Exception {
        realm.admin().createClientScope(realm.name(), "payments", true);
        realm.admin().assignClientScope(realm.name(), BOOKING, "payments", "default");
        String subject = ex.codeFlowToken(PLANNER);

        Exchanges.Attempt attempt = ex.exchange(BOOKING, subject);

        JWTClaimsSet claims = ex.assertIssued(attempt, subject, BOOKING + "<" + PLANNER);
        assertThat(scopes(claims)).doesNotContain("payments").isSubsetOf(scopes(Jwt.verify(subject, realm)));
    }

    @Test
    void aFirstHopCannotGainAScopeTheUserNeverConsentedToForThatAgent() throws Exception {
        realm.admin().createClientScope(realm.name(), "calendar.read", true);
        realm.admin().assignClientScope(realm.name(), APP, "calendar.read", "optional");
        realm.admin().assignClientScope(realm.name(), PLANNER, "calendar.read", "optional");
        ex.codeFlowToken(PLANNER);
        String plainWithCalendar = plainToken("openid calendar.read");
        assertThat(scopes(Jwt.verify(plainWithCalendar, realm))).contains("calendar.read");

        ex.assertRefused(ex.exchange(PLANNER, plainWithCalendar, Map.of("scope", "calendar.read")),
                "invalid_scope", SCOPE_NOT_CONSENTED);

        Exchanges.Attempt unscoped = ex.exchange(PLANNER, plainWithCalendar);
        assertThat(scopes(ex.assertIssued(unscoped, plainWithCalendar, PLANNER))).doesNotContain("calendar.read");
    }

    // ---- 6. sender-constrained subject tokens ----

    @Test
    void aDPoPBoundSubjectTokenKeepsItsBindingThroughExchange() throws Exception {
        DPoPProof appKey = DPoPProof.newKey();
        String tokenEndpoint = realm.oauth().endpoint(realm.name(), "token");
        OAuth.TokenResponse redeemed = ex.flow().redeem(ex.flow().delegatedCode(PLANNER), ex.ownToken(PLANNER), Map.of(),
                Map.of("DPoP", appKey.forPost(tokenEndpoint)));
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        String subject = redeemed.accessToken();
        assertThat(cnfJkt(Jwt.verify(subject, realm))).isEqualTo(appKey.thumbprint());

        ex.assertRefused(ex.exchange(BOOKING, subject), "invalid_request", DPOP_MISSING);
        ex.assertRefused(ex.exchange(BOOKING, subject, ex.ownToken(BOOKING), Map.of(),
                Map.of("DPoP", DPoPProof.newKey().forPost(tokenEndpoint))), "invalid_request", DPOP_MISMATCH);

        Exchanges.Attempt proven = ex.exchange(BOOKING, subject, ex.ownToken(BOOKING), Map.of(),
                Map.of("DPoP", appKey.forPost(tokenEndpoint)));
        JWTClaimsSet claims = ex.assertIssued(proven, subject, BOOKING + "<" + PLANNER);
        assertThat(cnfJkt(claims)).as("the exchanged token stays bound to the same key").isEqualTo(appKey.thumbprint());
    }

    // ---- found by reading: the binding is keyed by the PKCE challenge ----

    @Test
    void aPlainTwinWithTheSameChallengeCannotStripTheAgentBindingOfACode() {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin browser = new HttpLogin(TestRealm.REDIRECT_URI);
        HttpLogin.Outcome delegated = browser.authorize(ex.flow().authorizeUrl(pkce,
                Map.of("requested_actor", PLANNER, "prompt", "consent")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        HttpLogin.Outcome plainTwin = browser.authorize(ex.flow().authorizeUrl(pkce, Map.of()), TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null);
        assertThat(delegated.code()).isNotBlank();
        assertThat(plainTwin.code()).isNotBlank();

        OAuth.TokenResponse twin = ex.flow().redeem(new Delegations.Code(plainTwin.code(), pkce), null);
        assertThat(twin.status()).as(twin.toString()).isEqualTo(400);
        OAuth.TokenResponse stripped = ex.flow().redeem(new Delegations.Code(delegated.code(), pkce), null);

        ex.flow().assertRefused(stripped, "invalid_grant", REUSED_CHALLENGE, "invalid_code", null);
    }

    /**
     * A binding is marked used outside the client session, so it stays there until it expires: the longest a login
     * may take after the consent step, plus the code lifespan. Past that its code is refused, and the next consent step
     * in the same SSO session drops it, so that a long session does not collect one note per delegated authorization.
     */
    @Test
    void anExpiredBindingIsRefusedAndTheNextConsentStepDropsIt(TestRealm own) throws InterruptedException {
        int lifespan = 5;
        own.admin().updateRealm(own.name(), r -> r.put("accessCodeLifespan", lifespan).put("accessCodeLifespanLogin", lifespan)
                .put("accessCodeLifespanUserAction", lifespan));
        Delegations flow = new Delegations(own);
        OAuth.Pkce reused = OAuth.Pkce.s256();
        HttpLogin browser = new HttpLogin(TestRealm.REDIRECT_URI);
        HttpLogin.Outcome delegated = browser.authorize(flow.authorizeUrl(reused,
                Map.of("requested_actor", PLANNER, "prompt", "consent")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        OAuth.TokenResponse bound = flow.redeem(new Delegations.Code(delegated.code(), reused), flow.actorToken(PLANNER));
        assertThat(bound.status()).as(bound.toString()).isEqualTo(200);
        flow.assertRefused(flow.redeem(plainCode(flow, browser, reused), null), "invalid_grant", REUSED_CHALLENGE, "invalid_code", null);

        Thread.sleep((2L * lifespan + 1) * 1000L);

        flow.assertRefused(flow.redeem(plainCode(flow, browser, reused), null), "invalid_grant", DelegationBinding.EXPIRED,
                "invalid_code", null);
        OAuth.Pkce fresh = OAuth.Pkce.s256();
        HttpLogin.Outcome next = browser.authorize(flow.authorizeUrl(fresh,
                Map.of("requested_actor", PLANNER, "prompt", "consent")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        OAuth.TokenResponse nextToken = flow.redeem(new Delegations.Code(next.code(), fresh), flow.actorToken(PLANNER));
        assertThat(nextToken.status()).as(nextToken.toString()).isEqualTo(200);
        OAuth.TokenResponse plain = flow.redeem(plainCode(flow, browser, reused), null);
        assertThat(plain.status()).as("the expired binding is gone: a plain code is a plain code again; " + plain).isEqualTo(200);
        assertThat(Jwt.verify(plain.accessToken(), own).getClaim("act")).as("a plain token").isNull();
    }

    private static Delegations.Code plainCode(Delegations flow, HttpLogin browser, OAuth.Pkce pkce) {
        HttpLogin.Outcome outcome = browser.authorize(flow.authorizeUrl(pkce, Map.of()), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
        return new Delegations.Code(outcome.code(), pkce);
    }

    // ---- found by reading: a delegate's own delegates could take over unannounced ----

    @Test
    void theConsentPageNamesEveryAgentTheChainMayReachNotOnlyDirectDelegates() {
        HttpLogin.Outcome page = new HttpLogin(TestRealm.REDIRECT_URI).authorize(ex.flow().authorizeUrl(OAuth.Pkce.s256(),
                Map.of("requested_actor", PLANNER, "prompt", "consent")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        assertThat(page.isConsentPage()).as(page.toString()).isTrue();

        String delegates = page.page().substring(page.page().indexOf("id=\"actorbound-delegates\""));
        delegates = delegates.substring(0, delegates.indexOf("</p>"));
        assertThat(delegates).as("planner hands to booking, booking to payment").contains("Booking Agent").contains(TestClients.PAYMENT);
    }

    // ---- found by reading: a next hop never re-checked the app ----

    @Test
    void aNextHopNeedsAnAgentThatAcceptsTheAppTheUserConsentedThrough() {
        String hop1 = ex.codeFlowToken(PLANNER);
        ex.setAttribute(BOOKING, AgentAttributes.ALLOWED_CLIENTS, TestClients.BACKEND);
        try {
            ex.assertRefused(ex.exchange(BOOKING, hop1), "invalid_grant",
                    "the agent does not accept requests from the app the user consented through");
        } finally {
            ex.setAttribute(BOOKING, AgentAttributes.ALLOWED_CLIENTS, APP + "," + TestClients.BACKEND);
        }
    }

    // ---- found by reading: supports() claimed exchanges of other issuers ----

    @Test
    void anExchangeOfAnotherIssuersTokenIsLeftToKeycloak() {
        String foreign = unsignedJwt("{\"iss\":\"https://other-issuer.example/realms/x\",\"sub\":\"someone\","
                + "\"act\":{\"sub\":\"x\",\"client_id\":\"" + BOOKING + "\"},\"exp\":4102444800}");

        Exchanges.Attempt attempt = ex.exchange(BOOKING, foreign);

        assertThat(attempt.response().status()).as(attempt.toString()).isBetween(400, 403);
        assertThat(attempt.response().body().has("access_token")).isFalse();
        assertThat(attempt.response().errorDescription()).as("Keycloak's own exchange answered, not the delegation one")
                .isNotEqualTo("subject_token is not a valid, active access token of this realm");
    }

    // ---- helpers ----

    private static String unsignedJwt(String payload) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + b64.encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".c2ln";
    }

    private static String plainToken(String scope) {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String url = realm.oauth().authorizeUrl(realm.name(), APP, TestRealm.REDIRECT_URI, scope, Delegations.STATE, pkce, Map.of());
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null);
        OAuth.TokenResponse response = ex.flow().redeem(new Delegations.Code(outcome.code(), pkce), null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.accessToken();
    }

    private static String cnfJkt(JWTClaimsSet claims) throws Exception {
        Map<String, Object> cnf = claims.getJSONObjectClaim("cnf");
        return cnf == null ? null : (String) cnf.get("jkt");
    }
}
