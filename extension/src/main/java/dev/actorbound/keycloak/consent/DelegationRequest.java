package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentScopes;

import java.util.Optional;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.DelegationBinding;
import dev.actorbound.keycloak.policy.ConsentPolicy;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.TokenUtil;

/** The delegation an authentication session asks for, read back from the notes the authorization endpoint kept. */
record DelegationRequest(AuthenticationSessionModel authSession, String reference, Optional<Agent> agent) {

    static final String ACTOR_NOTE =
            AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + AgentAttributes.REQUESTED_ACTOR;

    static Optional<DelegationRequest> of(KeycloakSession session, AuthenticationSessionModel authSession) {
        String reference = authSession.getClientNote(ACTOR_NOTE);
        if (reference == null) {
            return Optional.empty();
        }
        Optional<Agent> agent = new AgentResolver(session, authSession.getRealm()).byReference(reference)
                .filter(a -> a.settings().acceptsClient(authSession.getClient().getClientId()));
        return Optional.of(new DelegationRequest(authSession, reference, agent));
    }

    /** What the consent page lists and a consent records: the scopes of the login, less what the realm's policy dropped. */
    ConsentScopes scopes() {
        return ConsentScopes.of(authSession).without(ConsentPolicy.droppedScopes(authSession));
    }

    /** Set once the user answered the consent page in this login; Keycloak re-evaluates triggers after each action. */
    static final String ANSWERED_NOTE = "actorbound.consent-answered";

    boolean answeredInThisLogin(Agent agent) {
        return agent.clientUuid().equals(authSession.getAuthNote(ANSWERED_NOTE));
    }

    void markAnswered(Agent agent) {
        authSession.setAuthNote(ANSWERED_NOTE, agent.clientUuid());
    }

    boolean forcesConsent() {
        return TokenUtil.hasPrompt(authSession.getClientNote(OIDCLoginProtocol.PROMPT_PARAM),
                OIDCLoginProtocol.PROMPT_VALUE_CONSENT);
    }

    String appUuid() {
        return authSession.getClient().getId();
    }

    /**
     * Binds the code about to be issued to the agent; keyed by the request's PKCE challenge. Keycloak copies the note
     * into the app's client session when it issues the code, and writes that client session then anyway: the moment
     * to drop the binding notes of earlier codes there that have expired.
     */
    void bind(KeycloakSession session, Agent agent) {
        long now = Time.currentTime();
        String challenge = authSession.getClientNote(OIDCLoginProtocol.CODE_CHALLENGE_PARAM);
        DelegationBinding binding = new DelegationBinding(agent.clientUuid(), agent.clientId(), agent.serviceAccountId(),
                authSession.getClientNote(OIDCLoginProtocol.RESOURCE_PARAM), now);
        authSession.setClientNote(DelegationBinding.noteKey(challenge), binding.encode());
        UserSessionModel userSession = session.sessions().getUserSession(authSession.getRealm(), authSession.getParentSession().getId());
        AuthenticatedClientSessionModel clientSession = userSession == null ? null
                : userSession.getAuthenticatedClientSessionByClient(authSession.getClient().getId());
        if (clientSession != null) {
            DelegationBinding.expiredNotes(clientSession.getNotes(), now, DelegationBinding.lifespan(authSession.getRealm()))
                    .forEach(clientSession::removeNote);
        }
    }
}
