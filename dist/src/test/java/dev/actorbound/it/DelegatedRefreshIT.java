package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL §5: refresh of a delegated token. Only an agent whose settings allow it gets a refresh token; every
 * refresh needs the agent's own actor token again, re-checks the agent, the consent and the user's live roles,
 * and the refreshed token keeps {@code act}. A delegated refresh token never turns into a plain token.
 */
@WithRealms
class DelegatedRefreshIT {

    private static final String OFFLINE_NOT_MAPPED =
            "the agent is not mapped to the offline_access role: no offline token is issued for it";
    private static final String ACTOR_REQUIRED = "actor_token is required: the refresh token was issued for an agent";

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        setRefreshAllowed(TestClients.PLANNER, "true");
    }

    private static void setRefreshAllowed(String agent, String value) {
        realm.admin().updateClient(realm.name(), agent, c -> c.with("attributes").put(AgentAttributes.REFRESH_ALLOWED, value));
    }

    /** Redeems a fresh planner code; the planner allows refresh, so a refresh token comes with the access token. */
    private static OAuth.TokenResponse plannerTokens() {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.refreshToken()).as("refresh token for an agent that allows refresh").isNotBlank();
        return response;
    }

    private static OAuth.TokenResponse refresh(String refreshToken, String actorToken) {
        return flow.refresh(refreshToken, actorToken);
    }

    @SuppressWarnings("unchecked")
    private static List<String> realmRoles(JWTClaimsSet claims) throws Exception {
        Map<String, Object> access = claims.getJSONObjectClaim("realm_access");
        return access == null ? List.of() : (List<String>) access.get("roles");
    }

    private static void assertDelegatedToPlanner(String accessToken) throws Exception {
        JWTClaimsSet claims = Jwt.verify(accessToken, realm);
        assertThat(claims.getSubject()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(claims.getStringClaim("azp")).isEqualTo(TestClients.APP);
        assertThat(claims.getJSONObjectClaim("act")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sub", realm.agentServiceAccountId(TestClients.PLANNER), "client_id", TestClients.PLANNER));
        long lifetime = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
        assertThat(lifetime).as("delegated token lifetime").isPositive().isLessThanOrEqualTo(300);
        assertThat(realmRoles(claims)).as("only the planner's roles").doesNotContain("writer");
    }

    private static ObjectNode refreshEvent(String type, String reason) {
        return realm.admin().events(realm.name(), type).stream()
                .filter(e -> reason == null || e.path("details").path("reason").asText("").equals(reason))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event with reason '" + reason + "'"));
    }

    private static void assertRefused(OAuth.TokenResponse response, String error, String description, String eventError) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).isEqualTo(error);
        assertThat(response.errorDescription()).isEqualTo(description);
        assertThat(response.body().has("access_token")).as("never a token on refusal").isFalse();
        assertThat(response.body().has("refresh_token")).isFalse();
        ObjectNode event = refreshEvent("REFRESH_TOKEN_ERROR", description);
        assertThat(event.path("error").asText()).isEqualTo(eventError);
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.path("details").path("actor_chain").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.toString()).doesNotContain("eyJ");
    }

    @Test
    void refreshWithTheAgentsActorTokenKeepsActTwiceInARow() throws Exception {
        OAuth.TokenResponse first = plannerTokens();
        assertDelegatedToPlanner(first.accessToken());

        OAuth.TokenResponse second = refresh(first.refreshToken(), flow.actorToken(TestClients.PLANNER));
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertDelegatedToPlanner(second.accessToken());
        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(second.refreshToken()).isNotBlank();

        OAuth.TokenResponse third = refresh(second.refreshToken(), flow.actorToken(TestClients.PLANNER));
        assertThat(third.status()).as(third.toString()).isEqualTo(200);
        assertDelegatedToPlanner(third.accessToken());

        ObjectNode event = realm.admin().events(realm.name(), "REFRESH_TOKEN").get(0);
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.path("details").path("actor_chain").asText()).isEqualTo(TestClients.PLANNER);
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(Exchanges.words(event.path("details").path("granted_roles").asText()))
                .containsExactlyInAnyOrderElementsOf(Exchanges.allRoles(Jwt.verify(third.accessToken(), realm)));
    }

    @Test
    void refreshWithoutActorTokenIsRefusedNeverAPlainToken() {
        OAuth.TokenResponse tokens = plannerTokens();

        assertRefused(refresh(tokens.refreshToken(), null), "invalid_request", ACTOR_REQUIRED, "invalid_request");
    }

    @Test
    void refreshWithAnotherAgentsActorTokenIsRefused() {
        OAuth.TokenResponse tokens = plannerTokens();

        assertRefused(refresh(tokens.refreshToken(), flow.actorToken(TestClients.BOOKING)), "invalid_grant",
                "actor_token does not belong to the agent the user consented to", ActorboundErrors.ACTOR_MISMATCH);
    }

    @Test
    void refreshWithTheDelegatedTokenAsActorTokenIsRefused() {
        OAuth.TokenResponse tokens = plannerTokens();

        assertRefused(refresh(tokens.refreshToken(), tokens.accessToken()), "invalid_grant",
                "actor_token must be the agent's own token, not a delegated token", ActorboundErrors.DELEGATED_ACTOR_TOKEN);
    }

    @Test
    void refreshWithATamperedActorTokenIsRefused() {
        OAuth.TokenResponse tokens = plannerTokens();
        String actor = flow.actorToken(TestClients.PLANNER);
        String tampered = actor.substring(0, actor.length() - 4) + (actor.endsWith("AAAA") ? "BBBB" : "AAAA");

        assertRefused(refresh(tokens.refreshToken(), tampered), "invalid_grant",
                "actor_token is not a valid, active access token of this realm", "invalid_token");
    }

    @Test
    void refreshAfterTheConsentWasRevokedIsRefused() {
        OAuth.TokenResponse tokens = plannerTokens();
        realm.revokeStoredConsents(TestRealm.ALICE);

        assertRefused(refresh(tokens.refreshToken(), flow.actorToken(TestClients.PLANNER)), "invalid_grant",
                "the user's consent to this agent was revoked", ActorboundErrors.CONSENT_REVOKED);
    }

    @Test
    void refreshAfterTheAdminTurnedRefreshOffIsRefused() {
        OAuth.TokenResponse tokens = plannerTokens();
        setRefreshAllowed(TestClients.PLANNER, "false");
        try {
            assertRefused(refresh(tokens.refreshToken(), flow.actorToken(TestClients.PLANNER)), "invalid_grant",
                    "the agent's settings no longer allow refresh of delegated tokens", "not_allowed");
        } finally {
            setRefreshAllowed(TestClients.PLANNER, "true");
        }
    }

    @Test
    void refreshAfterTheAgentLostTheAgentRoleIsRefused() {
        OAuth.TokenResponse tokens = plannerTokens();
        String actorToken = flow.actorToken(TestClients.PLANNER);
        String serviceAccount = realm.agentServiceAccountId(TestClients.PLANNER);
        realm.admin().removeRealmRolesFromUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        try {
            assertRefused(refresh(tokens.refreshToken(), actorToken), "invalid_grant",
                    "the agent is no longer available (disabled, deleted, no longer an agent, or Full scope allowed switched on)", ActorboundErrors.AGENT_UNAVAILABLE);
        } finally {
            realm.admin().addRealmRolesToUser(realm.name(), serviceAccount, TestRealm.AGENT_ROLE);
        }
    }

    @Test
    void roleRemovedFromTheUserIsGoneAtTheNextRefresh() throws Exception {
        OAuth.TokenResponse tokens = plannerTokens();
        assertThat(realmRoles(Jwt.verify(tokens.accessToken(), realm))).contains("reader");
        String alice = realm.userId(TestRealm.ALICE);
        realm.admin().removeRealmRolesFromUser(realm.name(), alice, "reader");
        try {
            OAuth.TokenResponse refreshed = refresh(tokens.refreshToken(), flow.actorToken(TestClients.PLANNER));
            assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
            JWTClaimsSet claims = Jwt.verify(refreshed.accessToken(), realm);
            assertThat(claims.getJSONObjectClaim("act")).containsEntry("client_id", TestClients.PLANNER);
            assertThat(realmRoles(claims)).doesNotContain("reader", "writer");
        } finally {
            realm.admin().addRealmRolesToUser(realm.name(), alice, "reader");
        }
    }

    @Test
    void agentWithoutRefreshSettingGetsNoRefreshToken() throws Exception {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(TestClients.BOOKING), flow.actorToken(TestClients.BOOKING));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(Jwt.verify(response.accessToken(), realm).getJSONObjectClaim("act")).containsEntry("client_id", TestClients.BOOKING);
        assertThat(response.body().has("refresh_token")).as("no refresh token by default").isFalse();
    }

    @Test
    void anAgentWithoutTheOfflineAccessRoleGetsNoOfflineToken() {
        OAuth.TokenResponse offline = flow.redeem(offlineCode(), flow.actorToken(TestClients.PLANNER));

        flow.assertRefused(offline, "invalid_grant", OFFLINE_NOT_MAPPED, ActorboundErrors.DELEGATION_WIDENED, TestClients.PLANNER);
    }

    @Test
    void offlineDelegatedTokenNeedsTheActorTokenTooAndTheAgentsOfflineRole() throws Exception {
        setOfflineAccessMapped(true);
        try {
            OAuth.TokenResponse offline = flow.redeem(offlineCode(), flow.actorToken(TestClients.PLANNER));
            assertThat(offline.status()).as(offline.toString()).isEqualTo(200);
            assertThat(offline.body().path("scope").asText()).contains("offline_access");

            assertRefused(refresh(offline.refreshToken(), null), "invalid_request", ACTOR_REQUIRED, "invalid_request");
            OAuth.TokenResponse refreshed = refresh(offline.refreshToken(), flow.actorToken(TestClients.PLANNER));
            assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
            assertThat(Jwt.verify(refreshed.accessToken(), realm).getJSONObjectClaim("act"))
                    .containsEntry("client_id", TestClients.PLANNER);

            setOfflineAccessMapped(false);
            assertRefused(refresh(refreshed.refreshToken(), flow.actorToken(TestClients.PLANNER)), "invalid_grant",
                    OFFLINE_NOT_MAPPED, ActorboundErrors.DELEGATION_WIDENED);
        } finally {
            setOfflineAccessMapped(false);
        }
    }

    @Test
    void plainRefreshTokensStillWorkAsInStockKeycloak() throws Exception {
        OAuth.TokenResponse plain = flow.redeem(flow.plainCode(), null);
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);

        OAuth.TokenResponse refreshed = refresh(plain.refreshToken(), null);

        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(Jwt.verify(refreshed.accessToken(), realm).getClaim("act")).isNull();
    }

    /** Maps or unmaps offline_access on planner-agent: an agent gets offline tokens only with that role. */
    private static void setOfflineAccessMapped(boolean mapped) {
        String path = "/realms/" + realm.name() + "/clients/" + realm.admin().clientUuid(realm.name(), TestClients.PLANNER)
                + "/scope-mappings/realm";
        List<Object> role = List.of(realm.admin().get("/realms/" + realm.name() + "/roles/offline_access").body());
        if (mapped) {
            realm.admin().post(path, role).expectOk("map offline_access");
        } else {
            realm.admin().delete(path, role).expectOk("unmap offline_access");
        }
    }

    /** A code alice consented to for planner-agent, with offline_access requested. */
    private static Delegations.Code offlineCode() {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String url = realm.oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, "openid offline_access",
                Delegations.STATE, pkce, Map.of("requested_actor", TestClients.PLANNER, "prompt", "consent"));
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        return new Delegations.Code(outcome.code(), pkce);
    }
}
