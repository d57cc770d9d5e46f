package dev.actorbound.keycloak.grant;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.ConsentStore;
import dev.actorbound.keycloak.actortoken.ActorTokenVerifier;
import dev.actorbound.keycloak.core.GrantRefusal;

import java.util.Optional;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.delegation.DelegationLiveness;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

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

    /** The actor token must be the bound agent's own token (see {@link ActorTokenVerifier}). */
    void actorToken(String actorToken, Actor bound) {
        new ActorTokenVerifier(session, realm, refusal).verify(actorToken, bound, ActorTokenVerifier.CONSENTED_AGENT);
    }

    /** An agent that passed {@link #liveAgent}, with the user's consent that lets it act through the app. */
    record LiveAgent(Agent agent, AgentConsent consent) {
    }

    /** The agent still exists as an agent with the same service account, accepts the app, and the user's consent stands. */
    LiveAgent liveAgent(Optional<Agent> resolved, String serviceAccountId, ClientModel app, UserModel user) {
        Agent agent = resolved.filter(a -> a.serviceAccountId().equals(serviceAccountId))
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.AGENT_UNAVAILABLE,
                        DelegationLiveness.AGENT_UNAVAILABLE_DESCRIPTION));
        if (!agent.settings().acceptsClient(app.getClientId())) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.NOT_ALLOWED, "the agent no longer accepts this client");
        }
        AgentConsent consent = ConsentStore.of(session).find(realm, user, app.getId(), agent.clientUuid())
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.CONSENT_REVOKED,
                        "the user's consent to this agent was revoked"));
        return new LiveAgent(agent, consent);
    }
}
