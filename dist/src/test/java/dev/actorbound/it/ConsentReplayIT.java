package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A revoked consent stays revoked, whatever is written back into the user's attributes: an admin (or a user, where
 * the realm lets users edit unmanaged attributes) who saves a record's old value again revives nothing. And a record
 * counts only with the signature the store makes (the realm's HMAC key), never with one its header chooses.
 *
 * <p>The realm lets admins edit unmanaged attributes, the widest exposure Keycloak allows, so every write is done
 * through admin REST.
 */
@WithRealms
class ConsentReplayIT {

    private static final String REVOKED = "the user's consent to this agent was revoked";
    private static final String NOT_CONSENTED = "the user has not consented to this agent for the subject token's client";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");

    private static TestRealm realm;
    private static Delegations flow;
    private static Exchanges ex;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        ex = new Exchanges(realm);
        realm.storedConsentKeys(TestRealm.ALICE); // sets the ADMIN_EDIT policy
    }

    @BeforeEach
    void clearEvents() {
        realm.admin().clearEvents(realm.name());
    }

    @Test
    void consentRevokedUnderUsersConsentsIsNotRevivedByWritingItsRecordBack() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String key = realm.consentKey(TestClients.APP, TestClients.PLANNER);
        String oldValue = attribute(key);
        String plain = ex.plainToken();

        realm.admin().delete(userPath() + "/consents/" + TestClients.PLANNER, null).expectOk("revoke under Users → Consents");
        // The user may create a stock consent for any client through the account API: the mirror is back...
        HttpResponse<String> mirror = account("POST", "/applications/" + TestClients.PLANNER + "/consent", plain,
                "{\"grantedScopes\":[]}");
        assertThat(mirror.statusCode()).as(mirror.body()).isEqualTo(200);
        // ...and the admin saves the record's old value again.
        writeAttribute(key, oldValue);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.PLANNER)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.PLANNER);
        ex.assertRefused(ex.exchange(TestClients.PLANNER, plain), "invalid_grant", NOT_CONSENTED);
        assertThat(promptNone(TestClients.APP, TestClients.PLANNER, OAuth.Pkce.s256()).callback()).containsEntry("error", "consent_required");
    }

    @Test
    void consentRevokedOnMyAgentsPageIsNotRevivedWhileTheAgentStillServesAnotherApp() {
        consentThroughBackend(TestClients.BOOKING);
        Delegations.Code code = flow.delegatedCode(TestClients.BOOKING);
        String key = realm.consentKey(TestClients.APP, TestClients.BOOKING);
        String oldValue = attribute(key);
        String plain = ex.plainToken();

        revokeOnMyAgentsPage(TestClients.APP, TestClients.BOOKING);
        assertThat(realm.storedConsentKeys(TestRealm.ALICE)).doesNotContain(key)
                .contains(realm.consentKey(TestClients.BACKEND, TestClients.BOOKING));
        writeAttribute(key, oldValue);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.BOOKING)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.BOOKING);
        ex.assertRefused(ex.exchange(TestClients.BOOKING, plain), "invalid_grant", NOT_CONSENTED);
        // The consent through the other app was not revoked and still counts.
        assertThat(promptNone(TestClients.BACKEND, TestClients.BOOKING, OAuth.Pkce.s256()).code()).isNotBlank();
    }

    @Test
    void recordWhoseHeaderNamesAnotherAlgorithmOrKeyIsNotAConsent() throws Exception {
        flow.delegatedCode(TestClients.PLANNER);
        String key = realm.consentKey(TestClients.APP, TestClients.PLANNER);
        String[] genuine = attribute(key).split("\\.");
        String hmacKid = Admin.JSON.readTree(Base64.getUrlDecoder().decode(genuine[0])).path("kid").asText();
        String rsaKid = realm.oauth().jwks(realm.name()).path("keys").get(0).path("kid").asText();

        Map<String, String> forgeries = Map.of(
                "alg none", header("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + genuine[1] + ".",
                "RS256 with the realm's RSA kid", rs256(rsaKid, genuine[1]),
                "HS256 with the realm's HMAC kid", header("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + hmacKid + "\"}")
                        + "." + genuine[1] + "." + genuine[2],
                "unknown kid", header("{\"alg\":\"HS512\",\"typ\":\"JWT\",\"kid\":\"no-such-key\"}")
                        + "." + genuine[1] + "." + genuine[2]);
        for (Map.Entry<String, String> forged : forgeries.entrySet()) {
            writeAttribute(key, String.join(".", genuine));
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            String code = promptNone(TestClients.APP, TestClients.PLANNER, pkce).code();
            assertThat(code).as("control: the genuine record counts").isNotBlank();

            writeAttribute(key, forged.getValue());

            OAuth.TokenResponse response = flow.redeem(new Delegations.Code(code, pkce), flow.actorToken(TestClients.PLANNER));
            assertThat(response.status()).as("%s: %s", forged.getKey(), response).isEqualTo(400);
            flow.assertRefused(response, "invalid_grant", REVOKED, ActorboundErrors.CONSENT_REVOKED, TestClients.PLANNER);
            assertThat(promptNone(TestClients.APP, TestClients.PLANNER, OAuth.Pkce.s256()).callback()).as(forged.getKey())
                    .containsEntry("error", "consent_required");
        }
    }

    // ---- helpers ----

    private static void consentThroughBackend(String agent) {
        String url = realm.oauth().authorizeUrl(realm.name(), TestClients.BACKEND, TestRealm.REDIRECT_URI, "openid",
                Delegations.STATE, OAuth.Pkce.s256(), Map.of("requested_actor", agent, "prompt", "consent"));
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
    }

    /** An authorization request with prompt=none in a fresh SSO session of alice. */
    private static HttpLogin.Outcome promptNone(String app, String agent, OAuth.Pkce pkce) {
        HttpLogin session = new HttpLogin(TestRealm.REDIRECT_URI);
        String login = realm.oauth().authorizeUrl(realm.name(), app, TestRealm.REDIRECT_URI, "openid", Delegations.STATE,
                OAuth.Pkce.s256(), Map.of());
        assertThat(session.authorize(login, TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null).code()).isNotBlank();
        return session.authorize(realm.oauth().authorizeUrl(realm.name(), app, TestRealm.REDIRECT_URI, "openid",
                Delegations.STATE, pkce, Map.of("requested_actor", agent, "prompt", "none")),
                TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
    }

    /** Revokes (app, agent) the way alice does on "Agents that act for me". */
    private static void revokeOnMyAgentsPage(String app, String agent) {
        String page = realm.issuer() + "/actorbound/my-agents";
        HttpLogin alice = new HttpLogin(page);
        assertThat(alice.authorize(page, TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null).callback()).containsKey("code");
        Matcher csrf = CSRF.matcher(alice.get(page).body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> revoked = alice.post(page + "/revoke", Map.of("csrf_token", csrf.group(1),
                "app", realm.admin().clientUuid(realm.name(), app), "agent", realm.admin().clientUuid(realm.name(), agent)),
                Map.of("Origin", realm.server().baseUrl()));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(realm.admin().events(realm.name(), "REVOKE_GRANT")).isNotEmpty();
    }

    private static String userPath() {
        return "/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE);
    }

    private static String attribute(String key) {
        String value = realm.admin().get(userPath()).body().path("attributes").path(key).path(0).asText("");
        assertThat(value).as("stored record %s", key).isNotBlank();
        return value;
    }

    private static void writeAttribute(String key, String value) {
        ObjectNode user = (ObjectNode) realm.admin().get(userPath()).body();
        user.with("attributes").putArray(key).add(value);
        assertThat(realm.admin().put(userPath(), user).ok()).isTrue();
        assertThat(attribute(key)).isEqualTo(value);
    }

    private static HttpResponse<String> account(String method, String path, String token, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(realm.issuer() + "/account" + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String header(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The genuine payload, signed RS256 with a key of the test's own under the kid of the realm's RSA key. */
    private static String rs256(String kid, String payload) throws Exception {
        String input = header("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + "." + payload;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(generator.generateKeyPair().getPrivate());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }
}
