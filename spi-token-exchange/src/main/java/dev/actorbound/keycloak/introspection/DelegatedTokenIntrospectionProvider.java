package dev.actorbound.keycloak.introspection;

import java.util.Optional;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.agent.AgentResolver;
import dev.actorbound.keycloak.agent.AuditDetails;
import dev.actorbound.keycloak.chain.ActorChain;
import dev.actorbound.keycloak.delegation.Delegation;
import dev.actorbound.keycloak.consent.UserAttributeConsentStore;
import org.keycloak.events.Details;
import org.keycloak.models.ClientModel;
import dev.actorbound.keycloak.delegation.IssuedDelegation;
import dev.actorbound.keycloak.delegation.OwnApiGuard;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProvider;
import org.keycloak.representations.AccessToken;

/**
 * Keycloak's access-token introspection, plus: the {@code act} chain is returned as issued, and a delegated
 * token is active only while the acting agent is still an enabled agent and the user's consent still stands.
 */
public final class DelegatedTokenIntrospectionProvider extends AccessTokenIntrospectionProvider<AccessToken> {

    DelegatedTokenIntrospectionProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    protected boolean introspectionChecks(String tokenStr) {
        if (!super.introspectionChecks(tokenStr)) {
            return false;
        }
        Object claim = token.getOtherClaims().get(ActorChain.CLAIM);
        if (claim == null) {
            return true;
        }
        ActorChain chain = ActorChain.fromClaim(claim);
        if (chain == null || !delegationStillValid(chain)) {
            eventBuilder.detail(Details.REASON, "delegation no longer valid (agent or consent)").error("delegation_revoked");
            return false;
        }
        eventBuilder.detail(AuditDetails.ACTOR, chain.current().clientId()).detail(AuditDetails.ACTOR_CHAIN, chain.serialize());
        transformedToken.getOtherClaims().put(ActorChain.CLAIM, chain.toClaim());
        return true;
    }

    /**
     * Keycloak rebuilds a token's claims here by running the protocol mappers again on the live session (for
     * introspection, and for the Account API): for a delegated token they see the delegation's roles only, recomputed
     * on live state, and the Account API refuses it outright.
     */
    @Override
    public AccessToken transformAccessToken(AccessToken accessToken, UserSessionModel userSession) {
        if (accessToken.getOtherClaims().containsKey(ActorChain.CLAIM)) {
            OwnApiGuard.refuseAccountApi(session, accessToken);
            IssuedDelegation.primeForMappers(session, realm, accessToken, userSession.getUser(), userSession.getId());
        }
        return super.transformAccessToken(accessToken, userSession);
    }

    /** Every actor still an agent, and the user's consent to the first one, through the origin app, still there. */
    private boolean delegationStillValid(ActorChain chain) {
        AgentResolver agents = new AgentResolver(session, realm);
        boolean allLive = chain.actors().stream().allMatch(actor -> agents.byClientId(actor.clientId())
                .filter(a -> a.serviceAccountId().equals(actor.sub())).isPresent());
        Optional<Agent> root = agents.byClientId(chain.root().clientId());
        Object origin = token.getOtherClaims().getOrDefault(Delegation.ORIGIN_CLAIM, token.getIssuedFor());
        ClientModel app = origin instanceof String clientId ? realm.getClientByClientId(clientId) : null;
        return allLive && root.isPresent() && app != null
                && new UserAttributeConsentStore(session).find(user, app.getId(), root.get().clientUuid()).isPresent();
    }
}
