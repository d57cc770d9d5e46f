package dev.actorbound.keycloak.policy;

import java.util.Set;

import dev.actorbound.keycloak.delegation.EffectiveGrant;
import dev.actorbound.keycloak.grant.GrantRefusal;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The realm's policy at the token endpoint, asked by every grant that issues a delegated token (code redemption,
 * exchange hop, refresh) right where the grant has decided what the token may carry at most. A denial is
 * {@code invalid_grant}, a dropped scope the client asked for by name {@code invalid_scope}, and a PDP that could not
 * decide {@code temporarily_unavailable} (503): no token in any of these cases. Otherwise it narrows the grant.
 */
public final class TokenPolicy {

    public static final String DENIED = "the realm's policy does not allow this delegation";
    public static final String UNAVAILABLE = "the realm's policy decision point could not decide; no token was issued";

    private final PolicyDecision decision;

    private TokenPolicy(PolicyDecision decision) {
        this.decision = decision;
    }

    /** Asks the PDP (if the realm names one) and writes its decision to {@code event}; refuses as described above. */
    public static TokenPolicy ask(KeycloakSession session, RealmModel realm, PolicyQuestion question, GrantRefusal refusal,
                                  EventBuilder event) {
        PolicyDecision decision = session.getProvider(PolicyDecisionProvider.class).decide(realm, question);
        decision.describe(event);
        switch (decision.outcome()) {
            case DENIED -> throw refusal.refuse(OAuthErrorException.INVALID_GRANT, PolicyDecision.POLICY_DENIED, DENIED);
            case UNAVAILABLE -> throw refusal.refuse(OAuthErrorException.TEMPORARILY_UNAVAILABLE,
                    PolicyDecision.POLICY_UNAVAILABLE, UNAVAILABLE, Response.Status.SERVICE_UNAVAILABLE);
            default -> {
            }
        }
        String scope = decision.refusedRequestedScope(question.requestedScopes());
        if (scope != null) {
            throw refusal.refuse(OAuthErrorException.INVALID_SCOPE, PolicyDecision.POLICY_DENIED,
                    "the realm's policy does not allow the requested scope " + scope);
        }
        return new TokenPolicy(decision);
    }

    /** {@code grant} without what the policy dropped. */
    public EffectiveGrant narrow(EffectiveGrant grant) {
        return new EffectiveGrant(decision.keptRoles(grant.roles()), decision.keptScopes(grant.scopes()));
    }

    /** {@code scopes} without those the policy dropped. */
    public Set<String> narrowScopes(Set<String> scopes) {
        return decision.keptScopes(scopes);
    }

    /** {@code ctx} without the client scopes the policy dropped, so that the token neither names nor maps them. */
    public ClientSessionContext narrow(ClientSessionContext ctx) {
        return ScopeNarrowedContext.without(ctx, decision.droppedScopes());
    }
}
