package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A revoked consent stays revoked, whatever Keycloak's own screens and APIs let a user or an admin do afterwards: a
 * user may create a stock consent for any client through the account API (so the agent's mirror comes back), an admin
 * may write any user attribute. Neither revives the consent: it was a row of the consent table, bound to the mirror
 * it was written for. (What release 0.1 wrote into user attributes is not read at all: see ConsentStoreIT, and
 * ConsentMigrationIT for a genuine old record written back after the migration.)
 */
@WithRealms
class ConsentReplayIT {

    private static final String REVOKED = "the user's consent to this agent was revoked";
    private static final String NOT_CONSENTED = "the user has not consented to this agent for the subject token's client";

    private static TestRealm realm;
    private static Delegations flow;
    private static Exchanges ex;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        ex = new Exchanges(realm);
    }

    @BeforeEach
    void clearEvents() {
        realm.admin().clearEvents(realm.name());
    }

    @Test
    void consentRevokedUnderUsersConsentsIsNotRevivedByAStockConsentCreatedAgain() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String plain = ex.plainToken();

        realm.admin().delete(userPath() + "/consents/" + TestClients.PLANNER, null).expectOk("revoke under Users → Consents");
        // The user may create a stock consent for any client through the account API: the mirror is back...
        HttpResponse<String> mirror = account("POST", "/applications/" + TestClients.PLANNER + "/consent", plain,
                "{\"grantedScopes\":[]}");
        assertThat(mirror.statusCode()).as(mirror.body()).isEqualTo(200);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.PLANNER)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.PLANNER);
        ex.assertRefused(ex.exchange(TestClients.PLANNER, plain), "invalid_grant", NOT_CONSENTED);
        assertThat(promptNone(TestClients.APP, TestClients.PLANNER, OAuth.Pkce.s256()).callback()).containsEntry("error", "consent_required");
        assertThat(realm.storedConsents(TestRealm.ALICE)).doesNotContain(TestRealm.consent(TestClients.APP, TestClients.PLANNER));
    }

    @Test
    void consentRevokedOnMyAgentsPageIsNotRevivedWhileTheAgentStillServesAnotherApp() {
        consentThroughBackend(TestClients.BOOKING);
        Delegations.Code code = flow.delegatedCode(TestClients.BOOKING);
        String plain = ex.plainToken();

        MyAgentsSession.open(realm, TestRealm.ALICE).revoke(TestClients.APP, TestClients.BOOKING);
        assertThat(realm.admin().events(realm.name(), "REVOKE_GRANT")).isNotEmpty();
        assertThat(realm.storedConsents(TestRealm.ALICE)).doesNotContain(TestRealm.consent(TestClients.APP, TestClients.BOOKING))
                .contains(TestRealm.consent(TestClients.BACKEND, TestClients.BOOKING));

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.BOOKING)), "invalid_grant", REVOKED,
                ActorboundErrors.CONSENT_REVOKED, TestClients.BOOKING);
        ex.assertRefused(ex.exchange(TestClients.BOOKING, plain), "invalid_grant", NOT_CONSENTED);
        // The consent through the other app was not revoked and still counts.
        assertThat(promptNone(TestClients.BACKEND, TestClients.BOOKING, OAuth.Pkce.s256()).code()).isNotBlank();
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

    private static String userPath() {
        return "/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE);
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
}
