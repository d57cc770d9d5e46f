package dev.actorbound.keycloak.grant;

import java.util.Optional;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.chain.Actor;
import dev.actorbound.keycloak.chain.ActorChain;
import dev.actorbound.keycloak.consent.AgentConsent;
import dev.actorbound.keycloak.liveness.DelegationLiveness;
import dev.actorbound.keycloak.consent.UserAttributeConsentStore;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * What every token issued to an app for a bound agent re-checks (PROTOCOL §2.2 and §5), at code redemption and at
 * each refresh: the agent proves itself with its own token, and the agent, its acceptance of the app and the
 * user's consent are still live.
 */
final class BoundAgentChecks {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final GrantRefusal refusal;

    BoundAgentChecks(KeycloakSession session, RealmModel realm, GrantRefusal refusal) {
        this.session = session;
        this.realm = realm;
        this.refusal = refusal;
    }

    /** The actor token must be an active token of this realm, issued to the bound agent itself, not a delegated one. */
    void actorToken(String actorToken, Actor bound) {
        AccessToken token = new RealmTokenVerifier(session, realm).verify(actorToken)
                .map(AuthenticationManager.AuthResult::token)
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN,
                        "actor_token is not a valid, active access token of this realm"));
        if (token.getOtherClaims().containsKey(ActorChain.CLAIM)) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, "delegated_actor_token",
                    "actor_token must be the agent's own token, not a delegated token");
        }
        if (!bound.sub().equals(token.getSubject()) || !bound.clientId().equals(token.getIssuedFor())) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, "actor_mismatch",
                    "actor_token does not belong to the agent the user consented to");
        }
    }

    /** An agent that passed {@link #liveAgent}, with the user's consent that lets it act through the app. */
    record LiveAgent(Agent agent, AgentConsent consent) {
    }

    /** The agent still exists as an agent with the same service account, accepts the app, and the user's consent stands. */
    LiveAgent liveAgent(Optional<Agent> resolved, String serviceAccountId, ClientModel app, UserModel user) {
        Agent agent = resolved.filter(a -> a.serviceAccountId().equals(serviceAccountId))
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, "agent_unavailable",
                        DelegationLiveness.AGENT_UNAVAILABLE_DESCRIPTION));
        if (!agent.settings().acceptsClient(app.getClientId())) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.NOT_ALLOWED, "the agent no longer accepts this client");
        }
        AgentConsent consent = new UserAttributeConsentStore(session).find(user, app.getId(), agent.clientUuid())
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, "consent_revoked",
                        "the user's consent to this agent was revoked"));
        return new LiveAgent(agent, consent);
    }
}
