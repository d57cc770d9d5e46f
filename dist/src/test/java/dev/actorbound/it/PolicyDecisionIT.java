package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.RoleCeiling;
import dev.actorbound.keycloak.policy.ConsentPolicy;
import dev.actorbound.keycloak.policy.PdpSettings;
import dev.actorbound.keycloak.policy.PolicyDecision;
import dev.actorbound.keycloak.policy.TokenPolicy;
import dev.actorbound.keycloak.userinfo.UserInfoScopes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL §9 against a real Cerbos PDP: what its policy (src/test/resources/cerbos) allows, denies and drops, at the
 * authorization endpoint, code redemption and each exchange hop, and what events and the audit log say about it.
 */
@WithRealms
class PolicyDecisionIT {

    /** Keycloak's per-client switch for the {@code jwt} field of an introspection answer ({@code Constants}). */
    private static final String JWT_ANSWER = "client.introspection.response.allow.jwt.claim.enabled";

    private static CerbosPdp cerbos;
    private static PolicyRealm policy;
    private static Delegations flow;
    private static Exchanges exchanges;
    private static AuditLog audit;

    @BeforeAll
    static void setUp(TestRealm realm) {
        cerbos = CerbosPdp.start();
        policy = new PolicyRealm(realm);
        flow = policy.flow;
        exchanges = policy.exchanges;
        audit = new AuditLog(realm.server(), realm.name());
        policy.usePdp(cerbos.url());
    }

    @AfterEach
    void backToCerbos() {
        if (policy != null) {
            policy.usePdp(cerbos.url());
        }
    }

    @AfterAll
    static void tearDown() {
        if (cerbos != null) {
            cerbos.close();
        }
    }

    @Test
    void allowedDelegationIsIssuedAndSaysSo() throws Exception {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        ObjectNode login = policy.newestEvent("LOGIN");
        assertThat(login.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(login.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("allowed");

        OAuth.TokenResponse response = flow.redeem(code, flow.actorToken(TestClients.PLANNER));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), policy.realm);
        assertThat(claims.getJSONObjectClaim("act")).isEqualTo(exchanges.chain(TestClients.PLANNER));
        assertThat(Exchanges.realmRoles(claims)).containsExactly("reader");
        ObjectNode event = policy.newestEvent("CODE_TO_TOKEN");
        assertThat(event.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("allowed");
        assertThat(event.path("details").has(AuditDetails.POLICY_DROPPED_ROLES)).isFalse();
        JsonNode line = audit.awaitEvent(event.path("id").asText());
        assertThat(line.path("policy_decision").asText()).isEqualTo("allowed");
    }

    @Test
    void deniedDelegationNeverReachesTheConsentPage() {
        HttpLogin.Outcome outcome = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.ROGUE), null);

        assertThat(outcome.isConsentPage()).as("the page is never shown").isFalse();
        ObjectNode event = flow.assertAuthorizationRefused(outcome, "access_denied", ConsentPolicy.DENIED);
        assertThat(event.path("error").asText()).isEqualTo(ActorboundErrors.POLICY_DENIED);
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.ROGUE);
        assertThat(event.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("denied");
        assertThat(event.path("userId").asText()).isEqualTo(policy.realm.userId(TestRealm.ALICE));
        assertThat(policy.realm.storedConsents(TestRealm.ALICE))
                .doesNotContain(TestRealm.consent(TestClients.APP, TestClients.ROGUE));
        JsonNode line = audit.awaitEvent(event.path("id").asText());
        assertThat(line.path("outcome").asText()).isEqualTo("failure");
        assertThat(line.path("error").asText()).isEqualTo(ActorboundErrors.POLICY_DENIED);
        assertThat(line.path("policy_decision").asText()).isEqualTo("denied");
    }

    /** The policy gives agents writer for operations only: alice (operations) keeps it, bob (sales) loses it. */
    @Test
    void roleIsDroppedForOneUserAndKeptForAnother() throws Exception {
        OAuth.TokenResponse alice = flow.redeem(flow.delegatedCode(TestClients.BOOKING), flow.actorToken(TestClients.BOOKING));
        assertThat(alice.status()).as(alice.toString()).isEqualTo(200);
        assertThat(Exchanges.realmRoles(Jwt.verify(alice.accessToken(), policy.realm))).contains("reader", "writer");

        HttpLogin bob = new HttpLogin(TestRealm.REDIRECT_URI);
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome page = policy.bobsConsentPage(bob, pkce, TestClients.BOOKING);
        assertThat(PolicyRealm.listedRoles(page)).as("the page shows the roles after the policy")
                .contains("reader").doesNotContain("writer");
        HttpLogin.Outcome accepted = bob.answer(page, "accept");
        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(accepted.code(), pkce), flow.actorToken(TestClients.BOOKING));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), policy.realm);
        assertThat(claims.getSubject()).isEqualTo(policy.realm.userId(TestRealm.BOB));
        assertThat(Exchanges.realmRoles(claims)).contains("reader").doesNotContain("writer");
        ObjectNode event = policy.newestEvent("CODE_TO_TOKEN");
        assertThat(event.path("userId").asText()).isEqualTo(policy.realm.userId(TestRealm.BOB));
        assertThat(event.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("narrowed");
        assertThat(Exchanges.words(event.path("details").path(AuditDetails.POLICY_DROPPED_ROLES).asText()))
                .containsExactly("writer");
        assertThat(Exchanges.words(event.path("details").path("granted_roles").asText())).doesNotContain("writer");
        JsonNode line = audit.awaitEvent(event.path("id").asText());
        assertThat(line.path("policy_decision").asText()).isEqualTo("narrowed");
        assertThat(line.path("policy_dropped_roles").toString()).isEqualTo("[\"writer\"]");
    }

    /** The policy keeps e-mail from the booking agent: gone from page, token and claims; asked for by name, refused. */
    @Test
    void scopeIsDroppedAndRefusedWhenAskedForByName() throws Exception {
        JWTClaimsSet planner = Jwt.verify(exchanges.codeFlowToken(TestClients.PLANNER), policy.realm);
        assertThat(Exchanges.scopes(planner)).as("the control: e-mail for the planner").contains("email");
        assertThat(planner.getStringClaim("email")).isEqualTo("alice@example.org");

        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin alice = new HttpLogin(TestRealm.REDIRECT_URI);
        HttpLogin.Outcome page = alice.authorize(flow.authorizeUrl(pkce, Map.of("requested_actor", TestClients.BOOKING,
                "prompt", "consent")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        assertThat(page.isConsentPage()).as(page.toString()).isTrue();
        assertThat(page.listedScopes()).doesNotContainKey("email").containsKey("profile");
        HttpLogin.Outcome accepted = alice.answer(page, "accept");
        ObjectNode login = policy.newestEvent("LOGIN");
        assertThat(login.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("narrowed");
        assertThat(Exchanges.words(login.path("details").path(AuditDetails.POLICY_DROPPED_SCOPES).asText()))
                .containsExactly("email");
        assertThat(policy.newestEvent("GRANT_CONSENT").path("details").path("scope").asText()).doesNotContain("email");
        OAuth.TokenResponse booking = flow.redeem(new Delegations.Code(accepted.code(), pkce), flow.actorToken(TestClients.BOOKING));
        assertThat(booking.status()).as(booking.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(booking.accessToken(), policy.realm);
        assertThat(Exchanges.scopes(claims)).doesNotContain("email").contains("profile");
        assertThat(claims.getClaim("email")).isNull();

        String byName = policy.realm.oauth().authorizeUrl(policy.realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid email",
                Delegations.STATE, OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.BOOKING));
        HttpLogin.Outcome refused = new HttpLogin(TestRealm.REDIRECT_URI).authorize(byName, TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, "accept");
        ObjectNode refusal = flow.assertAuthorizationRefused(refused, "invalid_scope", PolicyDecision.scopeRefusal("email"));
        assertThat(refusal.path("error").asText()).isEqualTo(ActorboundErrors.POLICY_DENIED);
    }

    @Test
    void exchangeDropsTheScopeAndRefusesItByName() throws Exception {
        String subject = exchanges.codeFlowToken(TestClients.PLANNER);

        Exchanges.Attempt byName = exchanges.exchange(TestClients.BOOKING, subject, Map.of("scope", "email"));
        exchanges.assertRefused(byName, "invalid_scope", PolicyDecision.scopeRefusal("email"));
        assertThat(policy.newestEvent(Exchanges.TOKEN_EXCHANGE_ERROR).path("error").asText()).isEqualTo(ActorboundErrors.POLICY_DENIED);

        Exchanges.Attempt plain = exchanges.exchange(TestClients.BOOKING, subject);
        JWTClaimsSet claims = exchanges.assertIssued(plain, subject, TestClients.BOOKING + "<" + TestClients.PLANNER);
        assertThat(Exchanges.scopes(claims)).doesNotContain("email");
        assertThat(claims.getClaim("email")).isNull();
    }

    /**
     * Userinfo rebuilds its answer from the client's default scopes, whatever the token's {@code scope} says; a
     * delegation the policy kept from e-mail must not get the e-mail address there either (code flow and exchange).
     */
    @Test
    void userinfoNeverShowsAScopeThePolicyDropped() throws Exception {
        OAuth.UserInfo control = policy.realm.oauth().userInfo(policy.realm.name(), exchanges.codeFlowToken(TestClients.PLANNER));
        assertThat(control.status()).as(control.toString()).isEqualTo(200);
        assertThat(control.body().path("email").asText()).as("the control: e-mail for the planner").isEqualTo("alice@example.org");

        String booking = exchanges.codeFlowToken(TestClients.BOOKING);
        assertThat(Exchanges.scopes(Jwt.verify(booking, policy.realm))).doesNotContain("email");
        assertUserinfoRefusesDroppedEmail(policy.realm.oauth().userInfo(policy.realm.name(), booking), TestClients.APP);

        Exchanges.Attempt exchanged = exchanges.exchange(TestClients.BOOKING, exchanges.codeFlowToken(TestClients.PLANNER), Map.of("scope", "openid profile"));
        JWTClaimsSet claims = exchanges.assertIssued(exchanged, exchanges.codeFlowToken(TestClients.PLANNER),
                TestClients.BOOKING + "<" + TestClients.PLANNER);
        assertThat(Exchanges.scopes(claims)).doesNotContain("email");
        assertUserinfoRefusesDroppedEmail(policy.realm.oauth().userInfo(policy.realm.name(), exchanged.accessToken()), TestClients.BOOKING);
    }

    /**
     * Introspection rebuilds its answer from the client's default scopes too; a delegation the policy kept from e-mail
     * must not show the e-mail address to the resource server there either (code flow and exchange).
     */
    @Test
    void introspectionNeverShowsAScopeThePolicyDropped() throws Exception {
        // the code-flow token's audience is the app's; the resource server may introspect it anyway
        exchanges.setAttribute(TestClients.BOOKING_API, "allow.token.introspection.without.audience.check", "true");
        try {
            JsonNode control = introspectAsBookingApi(exchanges.codeFlowToken(TestClients.PLANNER));
            assertThat(control.path("email").asText()).as("the control: e-mail for the planner").isEqualTo("alice@example.org");

            JsonNode booking = introspectAsBookingApi(exchanges.codeFlowToken(TestClients.BOOKING));
            assertThat(booking.has("email")).as(booking.toString()).isFalse();
            assertThat(booking.has("email_verified")).as(booking.toString()).isFalse();
            assertThat(booking.path("scope").asText().split(" ")).doesNotContain("email");

            String subject = exchanges.codeFlowToken(TestClients.PLANNER);
            Exchanges.Attempt exchanged = exchanges.exchange(TestClients.BOOKING, subject, Map.of("scope", "openid profile"));
            exchanges.assertIssued(exchanged, subject, TestClients.BOOKING + "<" + TestClients.PLANNER);
            JsonNode answer = introspectAsBookingApi(exchanged.accessToken());
            assertThat(answer.has("email")).as(answer.toString()).isFalse();
            assertThat(answer.has("email_verified")).as(answer.toString()).isFalse();
        } finally {
            exchanges.setAttribute(TestClients.BOOKING_API, "allow.token.introspection.without.audience.check", "false");
        }
    }

    /**
     * A lightweight token names no roles, so introspection is where a resource server learns them; a role the policy
     * dropped at issuance (writer, for bob) must not come back there, while alice, who keeps it, still sees it. The
     * token carries the roles it was granted in a claim of ours, which no mapper can forge.
     */
    @Test
    void introspectionOfALightweightTokenNeverShowsARoleThePolicyDropped() throws Exception {
        exchanges.setAttribute(TestClients.BOOKING_API, "allow.token.introspection.without.audience.check", "true");
        exchanges.setAttribute(TestClients.APP, "client.use.lightweight.access.token.enabled", "true");
        exchanges.addHardcodedJsonClaimToLightweightTokens(TestClients.APP, RoleCeiling.CLAIM, "{\"realm\":[\"reader\",\"writer\"]}");
        try {
            OAuth.TokenResponse alice = flow.redeem(flow.delegatedCode(TestClients.BOOKING), flow.actorToken(TestClients.BOOKING));
            assertThat(alice.status()).as(alice.toString()).isEqualTo(200);
            assertThat(Jwt.verify(alice.accessToken(), policy.realm).getClaim("realm_access"))
                    .as("a lightweight JWT names no roles").isNull();
            assertThat(texts(introspectAsBookingApi(alice.accessToken()).path("realm_access").path("roles")))
                    .as("the control: alice keeps writer").contains("reader", "writer");

            HttpLogin bob = new HttpLogin(TestRealm.REDIRECT_URI);
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            HttpLogin.Outcome accepted = bob.answer(policy.bobsConsentPage(bob, pkce, TestClients.BOOKING), "accept");
            OAuth.TokenResponse response = flow.redeem(new Delegations.Code(accepted.code(), pkce), flow.actorToken(TestClients.BOOKING));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(Exchanges.words(policy.newestEvent("CODE_TO_TOKEN").path("details")
                    .path(AuditDetails.POLICY_DROPPED_ROLES).asText())).containsExactly("writer");

            JWTClaimsSet claims = Jwt.verify(response.accessToken(), policy.realm);
            assertThat(claims.getClaim("realm_access")).isNull();
            assertThat(claims.getJSONObjectClaim(RoleCeiling.CLAIM).get("realm")).as("the mapper's value is overwritten")
                    .asList().contains("reader").doesNotContain("writer");
            assertThat(Exchanges.words(policy.newestEvent("CODE_TO_TOKEN").path("details").path("granted_roles").asText()))
                    .as("the event names the roles the lightweight token was granted").contains("reader").doesNotContain("writer");

            JsonNode answer = introspectAsBookingApi(response.accessToken());

            assertThat(answer.path("sub").asText()).isEqualTo(policy.realm.userId(TestRealm.BOB));
            assertThat(texts(answer.path("realm_access").path("roles"))).as(answer.toString())
                    .contains("reader").doesNotContain("writer");
        } finally {
            exchanges.removeMapper(TestClients.APP, "hardcoded-" + RoleCeiling.CLAIM);
            exchanges.setAttribute(TestClients.APP, "client.use.lightweight.access.token.enabled", "false");
            exchanges.setAttribute(TestClients.BOOKING_API, "allow.token.introspection.without.audience.check", "false");
        }
    }

    /**
     * The other forms of an answer a client can ask for are built from the same rebuilt token: a delegated refresh
     * token's (hint {@code refresh_token}, by the confidential app it was issued to) and the signed JWT form
     * ({@code Accept: application/jwt}) of both. None shows the e-mail address the policy kept from the booking agent.
     */
    @Test
    void noFormOfAnIntrospectionAnswerShowsAScopeThePolicyDropped() throws Exception {
        exchanges.setAttribute(TestClients.BOOKING, AgentAttributes.REFRESH_ALLOWED, "true");
        exchanges.setAttribute(TestClients.BACKEND, JWT_ANSWER, "true");
        exchanges.setAttribute(TestClients.BACKEND, "allow.token.introspection.without.audience.check", "true");
        try {
            for (String hint : List.of("refresh_token", "access_token")) {
                JsonNode control = introspectAtBackend(TestClients.PLANNER, hint);
                assertThat(control.path("email").asText()).as("the control: e-mail for the planner (%s)", hint)
                        .isEqualTo("alice@example.org");
                assertThat(Jwt.verify(control.path("jwt").asText(), policy.realm).getStringClaim("email"))
                        .isEqualTo("alice@example.org");

                JsonNode booking = introspectAtBackend(TestClients.BOOKING, hint);

                assertThat(booking.has("email")).as(booking.toString()).isFalse();
                assertThat(booking.has("email_verified")).as(booking.toString()).isFalse();
                assertThat(booking.path("scope").asText().split(" ")).doesNotContain("email");
                JWTClaimsSet jwt = Jwt.verify(booking.path("jwt").asText(), policy.realm);
                assertThat(jwt.getJSONObjectClaim("act").get("client_id")).isEqualTo(TestClients.BOOKING);
                assertThat(jwt.getClaim("email")).as(jwt.toString()).isNull();
                assertThat(jwt.getClaim("email_verified")).isNull();
            }
        } finally {
            exchanges.setAttribute(TestClients.BACKEND, "allow.token.introspection.without.audience.check", "false");
            exchanges.setAttribute(TestClients.BACKEND, JWT_ANSWER, "false");
            exchanges.setAttribute(TestClients.BOOKING, AgentAttributes.REFRESH_ALLOWED, "false");
        }
    }

    /** A delegated login of alice through the confidential backend; its answer for the token {@code hint} names. */
    private JsonNode introspectAtBackend(String agent, String hint) {
        OAuth.TokenResponse tokens = flow.redeemAtBackend(flow.delegatedBackendCode(agent, "openid"), flow.actorToken(agent));
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        String token = "refresh_token".equals(hint) ? tokens.body().path("refresh_token").asText() : tokens.accessToken();
        assertThat(token).as("a %s for %s: %s", hint, agent, tokens).isNotBlank();
        OAuth.TokenResponse answer = policy.realm.oauth().introspect(policy.realm.name(), token, hint, TestClients.BACKEND,
                TestClients.BACKEND_SECRET, Map.of("Accept", "application/jwt"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.body().path("active").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.body().path("act").path("client_id").asText()).as(answer.toString()).isEqualTo(agent);
        return answer.body();
    }

    private JsonNode introspectAsBookingApi(String token) {
        JsonNode answer = policy.realm.oauth().introspect(policy.realm.name(), token, TestClients.BOOKING_API, TestClients.BOOKING_API_SECRET);
        assertThat(answer.path("active").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.path("act").path("sub").isMissingNode()).as("a delegated answer names its actor: " + answer).isFalse();
        return answer;
    }

    private void assertUserinfoRefusesDroppedEmail(OAuth.UserInfo answer, String clientId) {
        String description = UserInfoScopes.refusal(List.of("email"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
        assertThat(answer.wwwAuthenticate()).as(answer.toString()).startsWith("Bearer ")
                .contains("error=\"insufficient_scope\"").contains("error_description=\"" + description + "\"");
        assertThat(answer.body().has("email")).as(answer.toString()).isFalse();
        assertThat(answer.body().has("sub")).as(answer.toString()).isFalse();
        ObjectNode event = policy.newestEvent("USER_INFO_REQUEST_ERROR");
        assertThat(event.path("clientId").asText()).isEqualTo(clientId);
        assertThat(event.path("error").asText()).isEqualTo("insufficient_scope");
        assertThat(event.path("details").path("client_policy_error_detail").asText()).isEqualTo(description);
    }

    /** The policy allows chains of two agents: the first hop passes, the second is denied. */
    @Test
    void secondExchangeHopIsDenied() throws Exception {
        String subject = exchanges.codeFlowToken(TestClients.PLANNER);
        Exchanges.Attempt first = exchanges.exchange(TestClients.BOOKING, subject);
        JWTClaimsSet booking = exchanges.assertIssued(first, subject, TestClients.BOOKING + "<" + TestClients.PLANNER);
        assertThat(Exchanges.depth(booking)).isEqualTo(2);
        assertThat(policy.newestEvent(Exchanges.TOKEN_EXCHANGE).path("details").path(AuditDetails.POLICY_DECISION).asText())
                .isIn("allowed", "narrowed");

        Exchanges.Attempt second = exchanges.exchange(TestClients.PAYMENT, first.accessToken());

        exchanges.assertRefused(second, "invalid_grant", TokenPolicy.DENIED);
        ObjectNode event = policy.newestEvent(Exchanges.TOKEN_EXCHANGE_ERROR);
        assertThat(event.path("error").asText()).isEqualTo(ActorboundErrors.POLICY_DENIED);
        assertThat(event.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("denied");
        assertThat(event.path("details").path("actor_chain").asText())
                .isEqualTo(TestClients.PAYMENT + "<" + TestClients.BOOKING + "<" + TestClients.PLANNER);
    }

    /**
     * What the PDP receives (PROTOCOL §9) and what becomes of its reason: the event and the audit line carry it, the
     * client never reads it. The credential comes from the server's vault; the realm only shows the reference.
     */
    @Test
    void pdpGetsTheProtocolsRequestAndItsReasonOnlyReachesTheEvent(KeycloakServer server) throws Exception {
        server.putVaultSecret(policy.realm.name(), "pdp-token", "pdp-bearer-secret");
        String reason = "the booking agent is on hold";
        try (LoopbackPdp pdp = LoopbackPdp.evaluating(request -> bookingOnHold(request, reason))) {
            policy.usePdp(pdp.url(), Map.of(PdpSettings.CREDENTIAL, "${vault.pdp-token}"));
            String subject = exchanges.codeFlowToken(TestClients.PLANNER);

            Exchanges.Attempt attempt = exchanges.exchange(TestClients.BOOKING, subject, Map.of("audience", TestClients.BOOKING_API));

            exchanges.assertRefused(attempt, "invalid_grant", TokenPolicy.DENIED);
            assertThat(attempt.response().body().toString()).doesNotContain(reason);
            ObjectNode event = policy.newestEvent(Exchanges.TOKEN_EXCHANGE_ERROR);
            assertThat(event.path("details").path(AuditDetails.POLICY_REASON).asText()).isEqualTo(reason);
            JsonNode line = audit.awaitEvent(event.path("id").asText());
            assertThat(line.path("policy_decision").asText()).isEqualTo("denied");
            assertThat(line.path("policy_reason").asText()).isEqualTo(reason);

            LoopbackPdp.Received sent = pdp.evaluations().get(pdp.evaluations().size() - 1);
            assertThat(sent.path()).isEqualTo("/access/v1/evaluations");
            assertThat(sent.header("Authorization")).isEqualTo("Bearer pdp-bearer-secret");
            assertThat(sent.header("Content-Type")).startsWith("application/json");
            assertRequestShape(Admin.read(sent.body()), subject);
        }
        JsonNode realmView = policy.realm.admin().get("/realms/" + policy.realm.name()).body();
        assertThat(realmView.path("attributes").path(PdpSettings.CREDENTIAL).asText()).isEqualTo("${vault.pdp-token}");
        assertThat(realmView.toString()).doesNotContain("pdp-bearer-secret");
    }

    private void assertRequestShape(JsonNode request, String subjectToken) throws Exception {
        assertThat(request.at("/subject/type").asText()).isEqualTo("user");
        assertThat(request.at("/subject/id").asText()).isEqualTo(Jwt.verify(subjectToken, policy.realm).getSubject());
        assertThat(request.at("/subject/properties/username").asText()).isEqualTo(TestRealm.ALICE);
        assertThat(request.at("/subject/properties/department").asText()).isEqualTo("operations");
        assertThat(texts(request.at("/subject/properties/roles"))).contains("reader", "writer", "default-roles-" + policy.realm.name());
        assertThat(request.at("/action/name").asText()).isEqualTo("delegate");
        assertThat(request.at("/resource/type").asText()).isEqualTo("delegation");
        assertThat(request.at("/resource/id").asText()).isEqualTo(TestClients.BOOKING);
        JsonNode properties = request.at("/resource/properties");
        assertThat(properties.path("agent").asText()).isEqualTo(TestClients.BOOKING);
        assertThat(properties.path("agent_sub").asText()).isEqualTo(policy.realm.agentServiceAccountId(TestClients.BOOKING));
        assertThat(properties.path("app").asText()).isEqualTo(TestClients.APP);
        assertThat(texts(properties.path("actor_chain"))).containsExactly(TestClients.BOOKING, TestClients.PLANNER);
        assertThat(properties.path("depth").asInt()).isEqualTo(2);
        assertThat(properties.path("grant").asText()).isEqualTo("token_exchange");
        assertThat(texts(properties.path("audience"))).containsExactly(TestClients.BOOKING_API);
        assertThat(texts(properties.path("roles"))).as("booking's roles ∩ alice's ∩ the planner's token").containsExactly("reader");
        assertThat(texts(properties.path("scopes"))).contains("email", "profile");
        assertThat(request.at("/context/realm").asText()).isEqualTo(policy.realm.name());
        assertThat(request.at("/context/time").asText()).isNotBlank();
        JsonNode evaluations = request.path("evaluations");
        assertThat(evaluations).hasSize(1 + properties.path("roles").size() + properties.path("scopes").size());
        assertThat(evaluations.get(0).isEmpty()).isTrue();
        assertThat(evaluations.get(1).at("/action/name").asText()).isEqualTo("use_role");
        assertThat(evaluations.get(1).at("/resource/properties")).isEqualTo(properties);
        assertThat(evaluations.get(evaluations.size() - 1).at("/action/name").asText()).isEqualTo("use_scope");
    }

    /** An AuthZEN answer denying the booking agent with {@code reason}, allowing every other item. */
    private static String bookingOnHold(String request, String reason) {
        JsonNode body = Admin.read(request);
        ObjectNode answer = Admin.JSON.createObjectNode();
        ArrayNode evaluations = answer.putArray("evaluations");
        boolean booking = TestClients.BOOKING.equals(body.at("/resource/id").asText());
        ObjectNode first = evaluations.addObject().put("decision", !booking);
        if (booking) {
            first.putObject("context").put("reason", reason);
        }
        for (int i = 1; i < body.path("evaluations").size(); i++) {
            evaluations.addObject().put("decision", true);
        }
        return answer.toString();
    }

    /**
     * Userinfo rebuilds its claims like introspection does (the same roles for the mappers), so it is the other place
     * a lightweight token's roles could show. Keycloak 26.7 refuses lightweight tokens there, delegated or not: the
     * path is closed before our code. Set up so that it would matter (the planner may use writer, which the policy
     * keeps from bob; a mapper puts roles into userinfo), so that a Keycloak that opens it makes this test fail.
     */
    @Test
    void userinfoRefusesALightweightDelegatedTokenSoNoDroppedRoleShowsThere() throws Exception {
        Admin admin = policy.realm.admin();
        String name = policy.realm.name();
        String plannerScope = "/realms/" + name + "/clients/" + admin.clientUuid(name, TestClients.PLANNER) + "/scope-mappings/realm";
        List<Object> writer = List.of(admin.get("/realms/" + name + "/roles/writer").expectOk("writer").body());
        admin.post(plannerScope, writer).expectOk("map writer to the planner");
        admin.post("/realms/" + name + "/clients/" + admin.clientUuid(name, TestClients.APP) + "/protocol-mappers/models",
                Map.of("name", "roles-in-userinfo", "protocol", "openid-connect", "protocolMapper", "oidc-usermodel-realm-role-mapper",
                        "config", Map.of("claim.name", "user_roles", "multivalued", "true", "userinfo.token.claim", "true",
                                "access.token.claim", "false", "id.token.claim", "false", "jsonType.label", "String")))
                .expectOk("roles mapper for userinfo");
        exchanges.setAttribute(TestClients.APP, "client.use.lightweight.access.token.enabled", "true");
        try {
            HttpLogin bob = new HttpLogin(TestRealm.REDIRECT_URI);
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            HttpLogin.Outcome accepted = bob.answer(policy.bobsConsentPage(bob, pkce, TestClients.PLANNER), "accept");
            OAuth.TokenResponse response = flow.redeem(new Delegations.Code(accepted.code(), pkce), flow.actorToken(TestClients.PLANNER));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(Exchanges.words(policy.newestEvent("CODE_TO_TOKEN").path("details")
                    .path(AuditDetails.POLICY_DROPPED_ROLES).asText())).containsExactly("writer");

            OAuth.UserInfo answer = policy.realm.oauth().userInfo(name, response.accessToken());

            assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
            assertThat(answer.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"",
                    "Lightweight access token not allowed for userinfo endpoint");
            assertThat(answer.body().has("user_roles")).isFalse();
        } finally {
            exchanges.setAttribute(TestClients.APP, "client.use.lightweight.access.token.enabled", "false");
            exchanges.removeMapper(TestClients.APP, "roles-in-userinfo");
            admin.delete(plannerScope, writer).expectOk("unmap writer from the planner");
        }
    }

    /**
     * A plain lightweight token names no roles, so a delegation exchanged from it carries none; a mapper that writes
     * our roles claim into it changes nothing (the claim is only ever ours).
     */
    @Test
    void anExchangeFromAPlainLightweightTokenTakesNoRolesFromAForgedClaim() throws Exception {
        exchanges.codeFlowToken(TestClients.BOOKING); // alice's consent to the booking agent
        String full = exchanges.plainToken();
        JWTClaimsSet control = exchanges.assertIssued(exchanges.exchange(TestClients.BOOKING, full), full, TestClients.BOOKING);
        assertThat(Exchanges.realmRoles(control)).as("the control: from a full token").contains("reader", "writer");
        exchanges.setAttribute(TestClients.APP, "client.use.lightweight.access.token.enabled", "true");
        exchanges.addHardcodedJsonClaimToLightweightTokens(TestClients.APP, RoleCeiling.CLAIM, "{\"realm\":[\"reader\",\"writer\"]}");
        try {
            String subject = exchanges.plainToken();
            assertThat(Jwt.verify(subject, policy.realm).getClaim(RoleCeiling.CLAIM)).as("a plain token never carries it").isNull();

            Exchanges.Attempt exchanged = exchanges.exchange(TestClients.BOOKING, subject);

            assertThat(exchanged.response().status()).as(exchanged.toString()).isEqualTo(200);
            JWTClaimsSet claims = Jwt.verify(exchanged.response().accessToken(), policy.realm);
            assertThat(claims.getSubject()).isEqualTo(policy.realm.userId(TestRealm.ALICE));
            assertThat(claims.getJSONObjectClaim("act").get("client_id")).isEqualTo(TestClients.BOOKING);
            assertThat(Exchanges.realmRoles(claims)).as(claims.toString()).doesNotContain("reader", "writer");
        } finally {
            exchanges.removeMapper(TestClients.APP, "hardcoded-" + RoleCeiling.CLAIM);
            exchanges.setAttribute(TestClients.APP, "client.use.lightweight.access.token.enabled", "false");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Off by default; with a TTL the very same question is answered from the cache, other questions still go out. */
    @Test
    void decisionCacheIsOffByDefaultAndHonoursItsTtl() {
        try (LoopbackPdp pdp = LoopbackPdp.proxy(cerbos.url(), Duration.ZERO)) {
            policy.usePdp(pdp.url());
            String subject = exchanges.codeFlowToken(TestClients.PLANNER);
            int before = pdp.evaluations().size();
            assertThat(exchanges.exchange(TestClients.BOOKING, subject).response().status()).isEqualTo(200);
            assertThat(exchanges.exchange(TestClients.BOOKING, subject).response().status()).isEqualTo(200);
            assertThat(pdp.evaluations()).as("no cache: every exchange asks").hasSize(before + 2);

            policy.usePdp(pdp.url(), Map.of(PdpSettings.CACHE_TTL_SECONDS, "300"));
            assertThat(exchanges.exchange(TestClients.BOOKING, subject).response().status()).isEqualTo(200);
            assertThat(exchanges.exchange(TestClients.BOOKING, subject).response().status()).isEqualTo(200);
            assertThat(exchanges.exchange(TestClients.BOOKING, subject, Map.of("audience", TestClients.BOOKING_API))
                    .response().status()).isEqualTo(200);
            assertThat(pdp.evaluations()).as("cached: the repeated question is not asked again, another one is")
                    .hasSize(before + 4);
            assertThat(pdp.evaluations().stream().map(LoopbackPdp.Received::clientPort).distinct().count())
                    .as("Keycloak's pooled client keeps its connections alive").isLessThan(pdp.evaluations().size());
        }
    }

    /** No PDP URL: whatever else is set, nothing is asked and events carry no decision, on every path. */
    @Test
    void noPdpBehavesAsBefore() throws Exception {
        try (LoopbackPdp pdp = LoopbackPdp.proxy(cerbos.url(), Duration.ZERO)) {
            policy.usePdp(pdp.url());
            exchanges.codeFlowToken(TestClients.PLANNER);
            assertThat(pdp.evaluations()).as("with a URL the PDP is asked").isNotEmpty();
            int before = pdp.received().size();

            policy.usePdp("", Map.of(PdpSettings.TIMEOUT_MS, "100", PdpSettings.CREDENTIAL, "${vault.nothing-here}"));
            Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
            OAuth.TokenResponse redeemed = flow.redeem(code, flow.actorToken(TestClients.PLANNER));
            assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
            OAuth.TokenResponse refreshed = flow.refresh(redeemed.refreshToken(), flow.actorToken(TestClients.PLANNER));
            assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
            Exchanges.Attempt exchanged = exchanges.exchange(TestClients.BOOKING, redeemed.accessToken());
            JWTClaimsSet claims = exchanges.assertIssued(exchanged, redeemed.accessToken(), TestClients.BOOKING + "<" + TestClients.PLANNER);
            assertThat(Exchanges.scopes(claims)).as("nothing dropped without a PDP").contains("email");

            assertThat(pdp.received()).as("no request at all without a URL").hasSize(before);
            for (String type : List.of("LOGIN", "CODE_TO_TOKEN", "REFRESH_TOKEN", Exchanges.TOKEN_EXCHANGE)) {
                ObjectNode event = policy.newestEvent(type);
                assertThat(event.path("details").has(AuditDetails.POLICY_DECISION)).as("%s carries no decision", type).isFalse();
                assertThat(audit.awaitEvent(event.path("id").asText()).has("policy_decision")).isFalse();
            }
        }
    }
}
