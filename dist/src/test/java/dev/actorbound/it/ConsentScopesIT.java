package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consent page lists every client scope the delegated token will carry, not only the {@code scope} parameter:
 * Keycloak always adds the app's default client scopes. What a consent remembers, and what it records in Keycloak's
 * own consent of an app with "Consent required", is exactly that list.
 */
@WithRealms
class ConsentScopesIT {

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
    }

    private static Set<String> scopeClaim(JWTClaimsSet claims) throws Exception {
        return Arrays.stream(claims.getStringClaim("scope").split(" ")).collect(Collectors.toSet());
    }

    private static String url(String clientId, String scope, Map<String, String> extra, OAuth.Pkce pkce) {
        return realm.oauth().authorizeUrl(realm.name(), clientId, TestRealm.REDIRECT_URI, scope, Delegations.STATE, pkce, extra);
    }

    @Test
    void pageListsTheAppsDefaultScopesWithTheirTextsAndTheTokenCarriesNothingElse() throws Exception {
        assertThat(realm.admin().defaultClientScopes(realm.name(), TestClients.APP)).contains("profile", "email");
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin login = new HttpLogin(TestRealm.REDIRECT_URI);

        HttpLogin.Outcome page = login.authorize(flow.authorizeUrl(pkce, Map.of("requested_actor", TestClients.PLANNER)),
                TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(page.isConsentPage()).as(page.toString()).isTrue();
        Map<String, String> listed = page.listedScopes();
        assertThat(listed).as("the request said scope=openid only")
                .containsEntry("profile", "User profile")
                .containsEntry("email", "Email address")
                .containsEntry("roles", "User roles")
                .containsKey("openid");
        assertThat(listed.keySet()).containsAll(realm.admin().defaultClientScopes(realm.name(), TestClients.APP));

        HttpLogin.Outcome accepted = login.answer(page, "accept");
        OAuth.TokenResponse response = flow.redeem(new Delegations.Code(accepted.code(), pkce), flow.actorToken(TestClients.PLANNER));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", TestClients.PLANNER);
        assertThat(scopeClaim(claims)).contains("openid", "profile", "email");
        assertThat(listed.keySet()).as("every scope of the token was on the page").containsAll(scopeClaim(claims));
        ObjectNode event = realm.admin().events(realm.name(), "GRANT_CONSENT").get(0);
        assertThat(event.path("details").path("scope").asText().split(" ")).containsExactlyInAnyOrderElementsOf(listed.keySet());
    }

    @Test
    void keycloaksOwnConsentOfTheAppHoldsOnlyWhatTheAgentPageShowed() {
        String user = "carol";
        String userId = realm.admin().createUser(realm.name(), user, "carol-password");
        realm.admin().updateClient(realm.name(), TestClients.APP, c -> c.put("consentRequired", true));
        try {
            HttpLogin login = new HttpLogin(TestRealm.REDIRECT_URI);
            HttpLogin.Outcome page = login.authorize(url(TestClients.APP, "openid",
                    Map.of("requested_actor", TestClients.PLANNER), OAuth.Pkce.s256()), user, "carol-password", null);
            assertThat(page.isConsentPage()).as(page.toString()).isTrue();
            Map<String, String> shown = page.listedScopes();

            HttpLogin.Outcome accepted = login.answer(page, "accept");

            assertThat(accepted.code()).as("the agent page answered Keycloak's question too: %s", accepted).isNotBlank();
            assertThat(grantedByKeycloak(userId)).isNotEmpty().isSubsetOf(shown.keySet());

            HttpLogin.Outcome wider = login.authorize(url(TestClients.APP, "openid phone",
                    Map.of("requested_actor", TestClients.PLANNER), OAuth.Pkce.s256()), user, "carol-password", null);

            assertThat(wider.isConsentPage()).as("an optional scope not shown before: %s", wider).isTrue();
            assertThat(wider.listedScopes()).containsEntry("phone", "Phone number");
            Map<String, String> shownAgain = wider.listedScopes();
            assertThat(login.answer(wider, "accept").code()).isNotBlank();
            assertThat(grantedByKeycloak(userId)).contains("phone").isSubsetOf(shownAgain.keySet());
        } finally {
            realm.admin().updateClient(realm.name(), TestClients.APP, c -> c.put("consentRequired", false));
        }
    }

    /** The client scopes of Keycloak's own stored consent of the user for the app (admin REST users/{id}/consents). */
    private static List<String> grantedByKeycloak(String userId) {
        JsonNode consents = realm.admin().get("/realms/" + realm.name() + "/users/" + userId + "/consents").body();
        List<String> granted = new ArrayList<>();
        for (JsonNode consent : consents) {
            if (TestClients.APP.equals(consent.path("clientId").asText())) {
                consent.path("grantedClientScopes").forEach(scope -> granted.add(scope.asText()));
            }
        }
        return granted;
    }

    /**
     * A consent granted while the app had no default scopes holds only {@code openid}, like every record stored
     * before the page listed client scopes. Once the token would carry more, that record covers nothing.
     */
    @Test
    void aConsentThatLacksAScopeOfTheRequestDoesNotCoverIt() {
        String app = "bare-app";
        String agent = "scopes-agent";
        realm.admin().createClient(realm.name(), Map.of("clientId", app, "publicClient", true,
                "redirectUris", List.of(TestRealm.REDIRECT_URI)));
        for (String scope : realm.admin().defaultClientScopes(realm.name(), app)) {
            realm.admin().setDefaultClientScope(realm.name(), app, scope, false);
        }
        realm.addAgent(agent, "scopes-secret", "Scopes Agent", null, "reader");
        realm.admin().updateClient(realm.name(), agent, c -> c.with("attributes").put(AgentAttributes.ALLOWED_CLIENTS, app));
        HttpLogin login = new HttpLogin(TestRealm.REDIRECT_URI);
        Map<String, String> withAgent = Map.of("requested_actor", agent);
        HttpLogin.Outcome first = login.authorize(url(app, "openid", withAgent, OAuth.Pkce.s256()),
                TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        assertThat(first.isConsentPage()).as(first.toString()).isTrue();
        assertThat(login.answer(first, "accept").code()).isNotBlank();
        assertThat(login.authorize(url(app, "openid", withAgent, OAuth.Pkce.s256()), TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null).code()).as("remembered while nothing changed").isNotBlank();

        realm.admin().setDefaultClientScope(realm.name(), app, "profile", true);

        HttpLogin.Outcome silent = login.authorize(url(app, "openid", Map.of("requested_actor", agent, "prompt", "none"),
                OAuth.Pkce.s256()), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        String description = "the user has not consented to this agent for this client (prompt=none cannot ask)";
        assertThat(silent.callback()).as(silent.toString())
                .containsEntry("error", "consent_required")
                .containsEntry("error_description", description)
                .containsEntry("state", Delegations.STATE)
                .doesNotContainKey("code");
        ObjectNode event = flow.event("LOGIN_ERROR", description);
        assertThat(event.path("clientId").asText()).isEqualTo(app);
        assertThat(event.path("error").asText()).isEqualTo("consent_denied");
        assertThat(event.path("details").path("actor").asText()).isEqualTo(agent);

        HttpLogin.Outcome again = login.authorize(url(app, "openid", withAgent, OAuth.Pkce.s256()),
                TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        assertThat(again.isConsentPage()).as("profile was never shown: %s", again).isTrue();
        assertThat(first.listedScopes()).containsOnlyKeys("openid");
        assertThat(again.listedScopes()).containsOnlyKeys("openid", "profile");
    }
}
