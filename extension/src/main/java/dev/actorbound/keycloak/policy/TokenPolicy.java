package dev.actorbound.keycloak.policy;

import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.actorbound.keycloak.core.ScopeNarrowedContext;
import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.GrantRefusal;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * The realm's policy at the token endpoint, asked by every grant that issues a delegated token (code redemption,
 * exchange hop, refresh) right where the grant has decided what the token may carry at most. A denial is
 * {@code invalid_grant}, a dropped scope the client asked for by name {@code invalid_scope}, and a PDP that could not
 * decide {@code temporarily_unavailable} (503): no token in any of these cases. Otherwise it narrows what the grant
 * decided, never more.
 */
public final class TokenPolicy {

    public static final String DENIED = "the realm's policy does not allow this delegation";
    public static final String UNAVAILABLE = "the realm's policy decision point could not decide; no token was issued";

    private final PolicyDecision decision;

    private TokenPolicy(PolicyDecision decision) {
        this.decision = decision;
    }

    /**
     * Asks the PDP (if the realm names one; {@code question} is only built then), writes its decision to {@code event}
     * and refuses as described above.
     */
    public static TokenPolicy ask(KeycloakSession session, RealmModel realm, Supplier<PolicyQuestion> question,
                                  GrantRefusal refusal, EventBuilder event) {
        PolicyDecision decision = session.getProvider(PolicyDecisionProvider.class).decide(realm, question);
        decision.describe(event);
        switch (decision.outcome()) {
            case DENIED -> throw refusal.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.POLICY_DENIED, DENIED);
            case UNAVAILABLE -> throw refusal.refuse(OAuthErrorException.TEMPORARILY_UNAVAILABLE,
                    ActorboundErrors.POLICY_UNAVAILABLE, UNAVAILABLE, Response.Status.SERVICE_UNAVAILABLE);
            default -> {
            }
        }
        if (decision.refusesAScope()) {
            throw refusal.refuse(OAuthErrorException.INVALID_SCOPE, ActorboundErrors.POLICY_DENIED,
                    PolicyDecision.scopeRefusal(decision.refusedScope()));
        }
        return new TokenPolicy(decision);
    }

    /** {@code roles} without those the policy dropped. */
    public Set<RoleModel> keptRoles(Set<RoleModel> roles) {
        return decision.keptRoles(roles);
    }

    /** {@code scopes} without those the policy dropped. */
    public Set<String> keptScopes(Set<String> scopes) {
        return decision.keptScopes(scopes);
    }

    /**
     * {@code ctx} without the client scopes outside {@code grantedScopes} (the grant's scopes after
     * {@link #keptScopes}), so that the token neither names nor maps them: those the policy dropped now, and those it
     * dropped before the consent page, which the consent therefore does not hold. Without a PDP, {@code ctx} itself:
     * then the seal stays the only judge, as before.
     */
    public ClientSessionContext narrow(ClientSessionContext ctx, Set<String> grantedScopes) {
        if (decision.outcome() == PolicyDecision.Outcome.NOT_ASKED) {
            return ctx;
        }
        Set<String> outside = ctx.getClientScopesStream().filter(scope -> !(scope instanceof ClientModel))
                .map(ClientScopeModel::getName).filter(name -> !grantedScopes.contains(name))
                .collect(Collectors.toUnmodifiableSet());
        return ScopeNarrowedContext.without(ctx, outside);
    }
}
