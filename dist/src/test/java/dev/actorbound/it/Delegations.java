package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The moves of the actor-bound code flow against one {@link TestRealm}, shared by the delegation ITs. */
final class Delegations {

    static final String STATE = "state-xyz";

    /** A code and the PKCE pair it was requested with. */
    record Code(String value, OAuth.Pkce pkce) {
    }

    private final TestRealm realm;
    /** Null: a client per request, as the server gives it (safe across restarts). */
    private final OAuth oauth;

    Delegations(TestRealm realm) {
        this(realm, null);
    }

    /** Sends every request through {@code oauth}: one client, connections kept alive (the benchmark, the soak). */
    Delegations(TestRealm realm, OAuth oauth) {
        this.realm = realm;
        this.oauth = oauth;
    }

    private OAuth oauth() {
        return oauth != null ? oauth : realm.oauth();
    }

    String authorizeUrl(OAuth.Pkce pkce, Map<String, String> extra) {
        return oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid", STATE, pkce, extra);
    }

    /** A fresh browser-less session: logs alice in and answers the consent page with {@code decision}. */
    HttpLogin.Outcome authorize(OAuth.Pkce pkce, Map<String, String> extra, String decision) {
        return new HttpLogin(TestRealm.REDIRECT_URI).authorize(authorizeUrl(pkce, extra), TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, decision);
    }

    HttpLogin.Outcome authorize(Map<String, String> extra) {
        return authorize(OAuth.Pkce.s256(), extra, "accept");
    }

    /** A code alice consented to for {@code agent} (prompt=consent, so the consent page is really answered). */
    Code delegatedCode(String agent) {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome outcome = authorize(pkce, Map.of("requested_actor", agent, "prompt", "consent"), "accept");
        assertThat(outcome.code()).as("code for %s: %s", agent, outcome).isNotBlank();
        return new Code(outcome.code(), pkce);
    }

    /**
     * A code alice consented to for {@code agent} through the confidential {@link TestRealm#BACKEND}, asking for
     * {@code scope}: a confidential app may introspect its own refresh tokens.
     */
    Code delegatedBackendCode(String agent, String scope) {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String url = oauth().authorizeUrl(realm.name(), TestClients.BACKEND, TestRealm.REDIRECT_URI, scope, STATE, pkce,
                Map.of("requested_actor", agent, "prompt", "consent"));
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, "accept");
        assertThat(outcome.code()).as("backend code for %s: %s", agent, outcome).isNotBlank();
        return new Code(outcome.code(), pkce);
    }

    Code plainCode() {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome outcome = authorize(pkce, Map.of(), null);
        assertThat(outcome.code()).as("plain code: %s", outcome).isNotBlank();
        return new Code(outcome.code(), pkce);
    }

    String actorToken(String agent) {
        return oauth().clientCredentialsToken(realm.name(), agent, TestClients.secretOf(agent));
    }

    OAuth.TokenResponse redeem(Code code, String actorToken) {
        return redeem(code, actorToken, Map.of());
    }

    OAuth.TokenResponse redeem(Code code, String actorToken, Map<String, String> extra) {
        return redeem(code, actorToken, extra, Map.of());
    }

    /** Redeems with extra request headers, e.g. a DPoP proof. */
    OAuth.TokenResponse redeem(Code code, String actorToken, Map<String, String> extra, Map<String, String> headers) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", TestClients.APP);
        form.put("code", code.value());
        form.put("redirect_uri", TestRealm.REDIRECT_URI);
        form.put("code_verifier", code.pkce().verifier());
        if (actorToken != null) {
            form.put("actor_token", actorToken);
            form.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
        }
        form.putAll(extra);
        return oauth().token(realm.name(), form, null, null, headers);
    }

    /** {@link TestRealm#BACKEND} redeems a code of {@link #delegatedBackendCode}, authenticated with its secret. */
    OAuth.TokenResponse redeemAtBackend(Code code, String actorToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code.value());
        form.put("redirect_uri", TestRealm.REDIRECT_URI);
        form.put("code_verifier", code.pkce().verifier());
        form.put("actor_token", actorToken);
        form.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
        return oauth().token(realm.name(), form, TestClients.BACKEND, TestClients.BACKEND_SECRET);
    }

    /** The app refreshes; {@code actorToken} (the agent's own token) may be null to test its absence. */
    OAuth.TokenResponse refresh(String refreshToken, String actorToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", TestClients.APP);
        form.put("refresh_token", refreshToken);
        if (actorToken != null) {
            form.put("actor_token", actorToken);
            form.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
        }
        return oauth().token(realm.name(), form, null, null);
    }

    /** The newest stored event of {@code type} whose reason contains {@code reason}; fails when there is none. */
    ObjectNode event(String type, String reason) {
        return realm.admin().events(realm.name(), type).stream()
                .filter(e -> e.path("details").path("reason").asText("").contains(reason))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event with reason '" + reason + "' in "
                        + realm.admin().events(realm.name(), type)));
    }

    /** A refusal redirected to the app, with state, and a LOGIN_ERROR event of the app that says why. */
    ObjectNode assertAuthorizationRefused(HttpLogin.Outcome outcome, String error, String description) {
        assertThat(outcome.callback()).as(outcome.toString())
                .containsEntry("error", error)
                .containsEntry("error_description", description)
                .containsEntry("state", STATE)
                .doesNotContainKey("code");
        ObjectNode event = event("LOGIN_ERROR", description);
        assertThat(event.path("clientId").asText()).isEqualTo(TestClients.APP);
        return event;
    }

    /** Asserts a token-endpoint refusal the way a client and an auditor see it. */
    void assertRefused(OAuth.TokenResponse response, String error, String description, String eventError, String actor) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).isEqualTo(error);
        assertThat(response.errorDescription()).isEqualTo(description);
        assertThat(response.body().has("access_token")).isFalse();
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        ObjectNode event = event("CODE_TO_TOKEN_ERROR", description);
        assertThat(event.path("error").asText()).isEqualTo(eventError);
        if (actor != null) {
            assertThat(event.path("details").path("actor").asText()).isEqualTo(actor);
        }
        assertThat(event.toString()).doesNotContain("eyJ");
    }
}
