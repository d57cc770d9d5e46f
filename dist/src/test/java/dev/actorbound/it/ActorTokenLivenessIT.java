package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * An actor token stops working the moment Keycloak would stop honouring it anywhere else: revoked (RFC 7009),
 * issued before the realm's or the agent's not-before ("Revoke all tokens" in the admin console), or held by a
 * disabled service account. The agent's own {@code client_credentials} token has no user session, so these are the
 * checks that stand between a leaked actor token and a delegation; each is asked at code redemption and at exchange.
 * Each test has its own realm: not-before and disabling change the whole realm or agent.
 */
@WithRealms
class ActorTokenLivenessIT {

    private static final String INVALID_ACTOR = "actor_token is not a valid, active access token of this realm";

    @Test
    void aRevokedActorTokenIsRefusedAndAFreshOneIsTaken(TestRealm realm) {
        Exchanges ex = Exchanges.setUp(realm);
        String plannerToken = ex.flow().actorToken(TestClients.PLANNER);
        String bookingToken = ex.ownToken(TestClients.BOOKING);
        realm.oauth().revoke(realm.name(), plannerToken, TestClients.PLANNER, TestClients.secretOf(TestClients.PLANNER));
        realm.oauth().revoke(realm.name(), bookingToken, TestClients.BOOKING, TestClients.secretOf(TestClients.BOOKING));

        assertRefusedAtRedemptionAndExchange(ex, plannerToken, bookingToken);
    }

    @Test
    void anActorTokenIssuedBeforeTheRealmsNotBeforeIsRefused(TestRealm realm) throws InterruptedException {
        Exchanges ex = Exchanges.setUp(realm);
        String plannerToken = ex.flow().actorToken(TestClients.PLANNER);
        String bookingToken = ex.ownToken(TestClients.BOOKING);
        notBeforeNow(realm, null);

        assertRefusedAtRedemptionAndExchange(ex, plannerToken, bookingToken);
    }

    /**
     * {@code plannerToken} is refused as the actor of a code redemption, {@code bookingToken} as the actor of an
     * exchange; a fresh actor token of the planner is taken in between (the refusal is about the token, not the agent).
     */
    private static void assertRefusedAtRedemptionAndExchange(Exchanges ex, String plannerToken, String bookingToken) {
        Delegations flow = ex.flow();
        flow.assertRefused(flow.redeem(flow.delegatedCode(TestClients.PLANNER), plannerToken), "invalid_grant",
                INVALID_ACTOR, "invalid_token", TestClients.PLANNER);
        OAuth.TokenResponse taken = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
        ex.assertRefused(ex.exchange(TestClients.BOOKING, taken.accessToken(), bookingToken, Map.of()), "invalid_grant", INVALID_ACTOR);
    }

    @Test
    void anActorTokenIssuedBeforeTheAgentsNotBeforeIsRefusedAndOtherAgentsAreNotTouched(TestRealm realm) throws InterruptedException {
        Exchanges ex = Exchanges.setUp(realm);
        Delegations flow = ex.flow();
        String plannerToken = flow.actorToken(TestClients.PLANNER);
        String bookingToken = ex.ownToken(TestClients.BOOKING);
        notBeforeNow(realm, TestClients.BOOKING);

        OAuth.TokenResponse taken = flow.redeem(flow.delegatedCode(TestClients.PLANNER), plannerToken);
        assertThat(taken.status()).as("planner's not-before did not move: %s", taken).isEqualTo(200);
        ex.assertRefused(ex.exchange(TestClients.BOOKING, taken.accessToken(), bookingToken, Map.of()), "invalid_grant", INVALID_ACTOR);
        ex.assertIssued(ex.exchange(TestClients.BOOKING, taken.accessToken(), ex.ownToken(TestClients.BOOKING), Map.of()),
                taken.accessToken(), "booking-agent<planner-agent");
    }

    @Test
    void theTokenOfADisabledServiceAccountIsRefused(TestRealm realm) {
        Exchanges ex = Exchanges.setUp(realm);
        Delegations flow = ex.flow();
        String plannerToken = flow.actorToken(TestClients.PLANNER);
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        String serviceAccount = realm.agentServiceAccountId(TestClients.PLANNER);
        realm.admin().setUserEnabled(realm.name(), serviceAccount, false);
        try {
            flow.assertRefused(flow.redeem(code, plannerToken), "invalid_grant", INVALID_ACTOR, "invalid_token", TestClients.PLANNER);
        } finally {
            realm.admin().setUserEnabled(realm.name(), serviceAccount, true);
        }
        OAuth.TokenResponse taken = flow.redeem(flow.delegatedCode(TestClients.PLANNER), plannerToken);
        assertThat(taken.status()).as("enabled again: %s", taken).isEqualTo(200);
    }

    /**
     * Moves the not-before of the realm ({@code clientId} null) or of one client to now, a second after the tokens
     * in hand were issued ({@code iat} has seconds), as the admin console's "Revoke" and "Push" buttons do.
     */
    private static void notBeforeNow(TestRealm realm, String clientId) throws InterruptedException {
        Thread.sleep(1100);
        int now = (int) (System.currentTimeMillis() / 1000);
        if (clientId == null) {
            ObjectNode representation = (ObjectNode) realm.admin().get("/realms/" + realm.name()).body();
            representation.put("notBefore", now);
            assertThat(realm.admin().put("/realms/" + realm.name(), representation).ok()).isTrue();
        } else {
            realm.admin().updateClient(realm.name(), clientId, c -> c.put("notBefore", now));
        }
    }
}
