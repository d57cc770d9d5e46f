package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.AgentAttributes;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PROTOCOL §4 and §5: revocation makes every token of the consent inactive at introspection, whatever
 * {@code token_type_hint} the caller sends. Keycloak 26.7.3 picks one introspection provider per hint
 * ({@code access_token}, the default; {@code refresh_token}; {@code requesting_party_token}), and each of them
 * accepts access and refresh tokens alike, so every hint must apply the same delegation check.
 * <p>
 * The confidential app introspects its own tokens (Keycloak lets only the token's client introspect a refresh token),
 * with Keycloak's per-client "introspection without audience check" on, so that every (token, hint) pair is active
 * before the revocation and only the delegation check can turn it inactive.
 */
@WithRealms
class DelegatedIntrospectionIT {

    /** No hint, then every introspection provider Keycloak 26.7.3 registers. */
    private static final List<String> HINTS = Arrays.asList(null, "access_token", "refresh_token", "requesting_party_token");
    private static final String CONSENT_REVOKED = "the user's consent to this agent was revoked";
    private static final String AGENT_UNAVAILABLE = "the agent is no longer available (disabled, deleted, no longer an agent, or Full scope allowed switched on)";

    /**
     * The delegated tokens a refresh-allowed agent's code yields. Keycloak itself never accepts an access token
     * with the {@code refresh_token} hint (it wants a refresh token's type); every other pair is active before
     * the revocation.
     */
    enum Kind {
        ACCESS("openid", OAuth.TokenResponse::accessToken, false),
        REFRESH("openid", OAuth.TokenResponse::refreshToken, true),
        OFFLINE_REFRESH("openid offline_access", OAuth.TokenResponse::refreshToken, true);

        final String scope;
        final Function<OAuth.TokenResponse, String> pick;
        final boolean refreshType;

        Kind(String scope, Function<OAuth.TokenResponse, String> pick, boolean refreshType) {
            this.scope = scope;
            this.pick = pick;
            this.refreshType = refreshType;
        }

        boolean acceptedBy(String hint) {
            return refreshType || !"refresh_token".equals(hint);
        }
    }

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
        realm.admin().updateClient(realm.name(), TestClients.PLANNER, c -> c.with("attributes").put(AgentAttributes.REFRESH_ALLOWED, "true"));
        // an agent gets offline tokens only when mapped to offline_access
        realm.admin().addClientScopeMappingRealmRoles(realm.name(), TestClients.PLANNER, "offline_access");
        realm.admin().updateClient(realm.name(), TestClients.BACKEND, c -> c.with("attributes")
                .put("allow.token.introspection.without.audience.check", "true"));
    }

    private static OAuth.TokenResponse backendTokens(String scope) {
        OAuth.TokenResponse response = flow.redeemAtBackend(flow.delegatedBackendCode(TestClients.PLANNER, scope),
                flow.actorToken(TestClients.PLANNER));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.refreshToken()).as("the planner allows refresh").isNotBlank();
        return response;
    }

    private static OAuth.TokenResponse introspect(String token, String hint) {
        OAuth.TokenResponse response = realm.oauth().introspect(realm.name(), token, hint, TestClients.BACKEND, TestClients.BACKEND_SECRET);
        assertThat(response.status()).as("hint %s: %s", hint, response).isEqualTo(200);
        return response;
    }

    private static String name(String hint) {
        return hint == null ? "none" : hint;
    }

    /** The introspection answer per hint ({@code "none"} for no hint). */
    private static Map<String, JsonNode> introspectWithEveryHint(String token) {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        HINTS.forEach(hint -> answers.put(name(hint), introspect(token, hint).body()));
        return answers;
    }

    private static Map<String, Boolean> active(Map<String, JsonNode> answers) {
        Map<String, Boolean> active = new LinkedHashMap<>();
        answers.forEach((hint, body) -> active.put(hint, body.path("active").asBoolean()));
        return active;
    }

    /** Active wherever Keycloak's own checks accept the (token, hint) pair. */
    private static Map<String, Boolean> acceptedByKeycloak(Kind kind) {
        Map<String, Boolean> active = new LinkedHashMap<>();
        HINTS.forEach(hint -> active.put(name(hint), kind.acceptedBy(hint)));
        return active;
    }

    private static String jti(String token) {
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getJWTID();
        } catch (ParseException e) {
            throw new AssertionError("not a JWT", e);
        }
    }

    /** The INTROSPECT_TOKEN_ERROR events about {@code token} (matched by its {@code jti}) with {@code error}. */
    private static List<ObjectNode> introspectionErrors(String token, String error) {
        String id = jti(token);
        return realm.admin().events(realm.name(), "INTROSPECT_TOKEN_ERROR").stream()
                .filter(e -> id.equals(e.path("details").path("token_id").asText()) && error.equals(e.path("error").asText()))
                .toList();
    }

    private static String delegatedToken(Kind kind) {
        String token = kind.pick.apply(backendTokens(kind.scope));
        Map<String, JsonNode> before = introspectWithEveryHint(token);
        assertThat(active(before)).as("before").isEqualTo(acceptedByKeycloak(kind));
        before.forEach((hint, body) -> {
            if (body.path("active").asBoolean() && !"requesting_party_token".equals(hint)) {
                assertThat(body.path("act").path("client_id").asText()).as("act with hint %s", hint).isEqualTo(TestClients.PLANNER);
            }
        });
        return token;
    }

    /** Every hint answers nothing but {@code active: false}; each refusal the delegation check made is an event. */
    private static void assertInactiveAtEveryHint(Kind kind, String token, String error, String reason) {
        Map<String, JsonNode> after = introspectWithEveryHint(token);
        after.forEach((hint, body) -> assertThat(body).as("hint %s", hint).hasSize(1));
        assertThat(active(after)).as("after").hasSize(HINTS.size()).doesNotContainValue(true);
        List<ObjectNode> events = introspectionErrors(token, error);
        assertThat(events).as("one %s event per hint Keycloak accepts", error)
                .hasSize((int) HINTS.stream().filter(kind::acceptedBy).count());
        events.forEach(event -> {
            assertThat(event.path("details").path("reason").asText()).isEqualTo(reason);
            assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
            assertThat(event.path("clientId").asText()).isEqualTo(TestClients.BACKEND);
            assertThat(event.toString()).doesNotContain("eyJ");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyHintAnswersInactiveOnceTheConsentIsRevoked(Kind kind) {
        String token = delegatedToken(kind);

        realm.revokeStoredConsents(TestRealm.ALICE);

        assertInactiveAtEveryHint(kind, token, ActorboundErrors.CONSENT_REVOKED, CONSENT_REVOKED);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"ACCESS", "REFRESH"})
    void everyHintAnswersInactiveOnceTheAgentIsDisabled(Kind kind) {
        String token = delegatedToken(kind);
        realm.admin().updateClient(realm.name(), TestClients.PLANNER, c -> c.put("enabled", false));
        try {
            assertInactiveAtEveryHint(kind, token, ActorboundErrors.AGENT_UNAVAILABLE, AGENT_UNAVAILABLE);
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.PLANNER, c -> c.put("enabled", true));
        }
    }

    /**
     * Keycloak 26.7.3 has no {@code id_token} introspection type. An ID token is the app's evidence of the login,
     * not the agent's authority: it carries no {@code act}, so no hint can report a delegation for it.
     */
    @Test
    void idTokenHintIsRefusedAndNoHintReportsADelegationForAnIdToken() {
        String idToken = backendTokens("openid").body().path("id_token").asText();
        assertThat(Jwt.verify(idToken, realm).getClaim("act")).as("an ID token names no actor").isNull();

        OAuth.TokenResponse byIdTokenHint = realm.oauth().introspect(realm.name(), idToken, "id_token",
                TestClients.BACKEND, TestClients.BACKEND_SECRET);

        assertThat(byIdTokenHint.status()).as(byIdTokenHint.toString()).isEqualTo(400);
        assertThat(byIdTokenHint.error()).isEqualTo("invalid_request");
        assertThat(byIdTokenHint.errorDescription()).isEqualTo("Unsupported token type.");
        assertThat(byIdTokenHint.body().has("active")).isFalse();
        assertThat(realm.admin().events(realm.name(), "INTROSPECT_TOKEN_ERROR")).as("event of the refused hint")
                .anyMatch(e -> "id_token".equals(e.path("details").path("token_type").asText())
                        && "invalid_request".equals(e.path("error").asText()));
        introspectWithEveryHint(idToken).forEach((hint, body) -> assertThat(body.has("act")).as("hint %s", hint).isFalse());
    }

    /** Role and audience claims of a token or an introspection answer, client roles as {@code client:role}. */
    private static Set<String> grants(JsonNode claims) {
        Set<String> grants = new TreeSet<>();
        claims.path("realm_access").path("roles").forEach(role -> grants.add(role.asText()));
        claims.path("resource_access").fields().forEachRemaining(client ->
                client.getValue().path("roles").forEach(role -> grants.add(client.getKey() + ":" + role.asText())));
        JsonNode aud = claims.path("aud");
        if (aud.isTextual()) {
            grants.add("aud=" + aud.asText());
        }
        aud.forEach(value -> grants.add("aud=" + value.asText()));
        return grants;
    }

    /**
     * Keycloak rebuilds an introspection answer from the app's client session, whose roles are the user's, not the
     * agent's: the answer must never say more than the delegated token it describes (PROTOCOL §3, never widen).
     */
    /**
     * Found by FuzzIT: one character changed in the header, so that it names no {@code alg} any more. Keycloak's own
     * access-token introspection cannot read such a header (it asks the header for its algorithm's name) and answers
     * 400 {@code invalid_request}; ours answers the same, and never anything about the token.
     */
    @Test
    void tokenWhoseHeaderNamesNoAlgorithmIsNeverActive() {
        String token = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER)).accessToken();
        assertThat(token).startsWith("eyJhbGciOi");
        String broken = "eyJhbGAi" + token.substring("eyJhbGci".length());

        for (String hint : HINTS) {
            OAuth.TokenResponse answer = realm.oauth().introspect(realm.name(), broken, hint, TestClients.CALENDAR_API,
                    TestClients.CALENDAR_API_SECRET);
            if (answer.status() == 200) {
                assertThat(answer.body().path("active").asBoolean(true)).as("hint %s: %s", hint, answer).isFalse();
            } else {
                assertThat(answer.status()).as("hint %s: %s", hint, answer).isEqualTo(400);
                assertThat(answer.error()).isEqualTo("invalid_request");
                assertThat(answer.errorDescription()).isEqualTo("Failed to introspect token.");
                assertThat(answer.body().has("active")).isFalse();
            }
        }
    }

    @Test
    void introspectionNeverReportsMoreThanTheDelegatedTokenCarries() throws Exception {
        OAuth.TokenResponse tokens = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        Set<String> carried = grants(Admin.read(Admin.write(Jwt.verify(tokens.accessToken(), realm).toJSONObject())));
        assertThat(carried).as("the planner's role, for the resource server").contains("reader", "aud=" + TestClients.CALENDAR_API)
                .doesNotContain("writer");

        for (String hint : Arrays.asList(null, "access_token")) {
            JsonNode answer = realm.oauth().introspect(realm.name(), tokens.accessToken(), hint, TestClients.CALENDAR_API,
                    TestClients.CALENDAR_API_SECRET).body();
            assertThat(answer.path("active").asBoolean()).as("hint %s: %s", hint, answer).isTrue();
            assertThat(grants(answer)).as("hint %s", hint).isSubsetOf(carried).contains("reader");
        }
    }

    /**
     * Keycloak rebuilds an introspection answer from the client's default scopes, whatever the token's {@code scope}
     * says: an exchange narrowed below the agent's defaults must not get the dropped scope's claims back there. The
     * same exchange that keeps e-mail is the control.
     */
    @Test
    void exchangeNarrowedBelowTheAgentsDefaultScopesIsNotWidenedByIntrospection(TestRealm own) throws Exception {
        Exchanges ex = Exchanges.setUp(own);
        String subject = ex.codeFlowToken(TestClients.PLANNER);

        Exchanges.Attempt full = ex.exchange(TestClients.BOOKING, subject, Map.of("scope", "openid profile email"));
        ex.assertIssued(full, subject, TestClients.BOOKING + "<" + TestClients.PLANNER);
        JsonNode kept = own.oauth().introspect(own.name(), full.accessToken(), TestClients.BOOKING_API, TestClients.BOOKING_API_SECRET);
        assertThat(kept.path("active").asBoolean()).as(kept.toString()).isTrue();
        assertThat(kept.path("email").asText()).as("the control keeps e-mail").isEqualTo("alice@example.org");

        Exchanges.Attempt narrowed = ex.exchange(TestClients.BOOKING, subject, Map.of("scope", "openid profile"));
        JWTClaimsSet claims = ex.assertIssued(narrowed, subject, TestClients.BOOKING + "<" + TestClients.PLANNER);
        assertThat(Exchanges.scopes(claims)).doesNotContain("email");
        assertThat(claims.getClaims()).doesNotContainKeys("email", "email_verified");
        // the requesting_party_token answer carries no user claims at all, in stock Keycloak too
        for (String hint : Arrays.asList(null, "access_token")) {
            JsonNode answer = own.oauth().introspect(own.name(), narrowed.accessToken(), hint, TestClients.BOOKING_API,
                    TestClients.BOOKING_API_SECRET).body();
            assertThat(answer.path("active").asBoolean()).as("hint %s: %s", hint, answer).isTrue();
            assertThat(answer.has("email")).as("hint %s: %s", hint, answer).isFalse();
            assertThat(answer.has("email_verified")).as("hint %s: %s", hint, answer).isFalse();
            assertThat(answer.path("scope").asText().split(" ")).as("hint %s", hint).doesNotContain("email");
            assertThat(answer.path("preferred_username").asText()).as("hint %s: a kept scope still maps", hint).isEqualTo(TestRealm.ALICE);
        }
    }
}
