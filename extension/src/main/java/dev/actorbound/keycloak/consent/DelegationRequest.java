package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ConsentScopes;

import java.util.Optional;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.DelegationBinding;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.TokenUtil;

/** The delegation an authentication session asks for, read back from the notes the authorization endpoint kept. */
record DelegationRequest(AuthenticationSessionModel authSession, String reference, Optional<Agent> agent,
                         ConsentScopes scopes) {

    static final String ACTOR_NOTE =
            AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + AgentAttributes.REQUESTED_ACTOR;

    static Optional<DelegationRequest> of(KeycloakSession session, AuthenticationSessionModel authSession) {
        String reference = authSession.getClientNote(ACTOR_NOTE);
        if (reference == null) {
            return Optional.empty();
        }
        Optional<Agent> agent = new AgentResolver(session, authSession.getRealm()).byReference(reference)
                .filter(a -> a.settings().acceptsClient(authSession.getClient().getClientId()));
        return Optional.of(new DelegationRequest(authSession, reference, agent, ConsentScopes.of(authSession)));
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

    /** Binds the code about to be issued to the agent; keyed by the request's PKCE challenge. */
    void bind(Agent agent) {
        String challenge = authSession.getClientNote(OIDCLoginProtocol.CODE_CHALLENGE_PARAM);
        DelegationBinding binding = new DelegationBinding(agent.clientUuid(), agent.clientId(), agent.serviceAccountId(),
                authSession.getClientNote(OIDCLoginProtocol.RESOURCE_PARAM));
        authSession.setClientNote(DelegationBinding.noteKey(challenge), binding.encode());
    }
}
