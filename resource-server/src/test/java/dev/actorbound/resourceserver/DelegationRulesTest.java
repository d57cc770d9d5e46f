package dev.actorbound.resourceserver;

import static dev.actorbound.resourceserver.TestTokens.act;
import static dev.actorbound.resourceserver.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;

/** The rules a resource puts on valid tokens; every broken rule is a 403 insufficient_scope that names it. */
class DelegationRulesTest {

    private static DelegatedPrincipal principal(JWTClaimsSet.Builder claims) throws Refusal {
        return DelegatedPrincipal.fromTokenClaims(claims.build().toJSONObject());
    }

    private static DelegatedPrincipal viaPlanner() throws Refusal {
        return principal(claims());
    }

    private static DelegatedPrincipal viaBookingAfterPlanner() throws Refusal {
        return principal(claims().claim("act", act("booking-agent", "planner-agent")));
    }

    private static DelegatedPrincipal usersOwn() throws Refusal {
        return principal(claims().claim("act", null));
    }

    private static void assertRefused(DelegationRules rules, DelegatedPrincipal principal, String description) {
        Refusal refusal = catchThrowableOfType(Refusal.class, () -> rules.check(principal));
        assertThat(refusal).as("refused: %s", description).isNotNull();
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.error()).isEqualTo("insufficient_scope");
        assertThat(refusal.description()).isEqualTo(description);
    }

    private static void assertAccepted(DelegationRules rules, DelegatedPrincipal principal) {
        assertThat(catchThrowableOfType(Refusal.class, () -> rules.check(principal))).isNull();
    }

    @Test
    void noRulesAcceptEveryValidToken() throws Refusal {
        assertAccepted(DelegationRules.none(), viaPlanner());
        assertAccepted(DelegationRules.none(), usersOwn());
    }

    @Test
    void aMissingActIsRefusedWhereDelegationIsRequired() throws Refusal {
        DelegationRules rules = DelegationRules.builder().requireDelegation().build();
        assertRefused(rules, usersOwn(), "this resource accepts only delegated tokens (with act)");
        assertAccepted(rules, viaPlanner());
    }

    @Test
    void onlyAllowedAgentsMayAct() throws Refusal {
        DelegationRules rules = DelegationRules.builder().allowAgents("booking-agent").build();
        assertAccepted(rules, viaBookingAfterPlanner());
        // the acting agent counts, not one deeper in the chain
        assertRefused(rules, viaPlanner(), "the acting agent is not allowed for this resource");
        assertRefused(rules, principal(claims().claim("act", Map.of("sub", "sa-booking-agent"))),
                "the acting agent is not allowed for this resource");
        // allowing agents means requiring one
        assertRefused(rules, usersOwn(), "this resource accepts only delegated tokens (with act)");
    }

    @Test
    void aChainDeeperThanTheMaximumIsRefused() throws Refusal {
        DelegationRules rules = DelegationRules.builder().maxDepth(1).build();
        assertAccepted(rules, viaPlanner());
        assertAccepted(rules, usersOwn());
        assertRefused(rules, viaBookingAfterPlanner(), "the delegation chain is longer than 1 for this resource");
        assertThatIllegalArgumentException().isThrownBy(() -> DelegationRules.builder().maxDepth(0));
    }

    @Test
    void aMissingScopeIsRefusedAndTheChallengeNamesTheScopesNeeded() throws Refusal {
        DelegationRules rules = DelegationRules.builder().requireScopes("trips.read", "trips.write").build();
        Refusal refusal = catchThrowableOfType(Refusal.class, () -> rules.check(viaPlanner()));
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.description()).isEqualTo("the token lacks the scope trips.write");
        assertThat(refusal.scope()).containsExactly("trips.read", "trips.write");
        assertThat(refusal.withResourceMetadata(TestTokens.METADATA_URL).wwwAuthenticate()).isEqualTo(
                "Bearer error=\"insufficient_scope\", error_description=\"the token lacks the scope trips.write\", "
                        + "scope=\"trips.read trips.write\", resource_metadata=\"" + TestTokens.METADATA_URL + "\"");
        assertAccepted(DelegationRules.builder().requireScopes("trips.read").build(), viaPlanner());
    }

    @Test
    void missingRolesAreRefused() throws Refusal {
        assertRefused(DelegationRules.builder().requireRealmRoles("writer").build(), viaPlanner(),
                "the token lacks the role writer");
        assertRefused(DelegationRules.builder().requireClientRoles("travel-api", "editor").build(), viaPlanner(),
                "the token lacks the role travel-api:editor");
        assertAccepted(DelegationRules.builder().requireRealmRoles("reader").requireClientRoles("travel-api", "viewer")
                .requireDelegation().allowAgents("planner-agent").maxDepth(1).requireScopes("openid").build(), viaPlanner());
    }
}
