package dev.actorbound.keycloak.authorize;

import dev.actorbound.keycloak.core.ConsentStore;
import java.util.List;
import java.util.Optional;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ConsentStep;
import dev.actorbound.keycloak.core.ConsentScopes;
import dev.actorbound.keycloak.core.RequestedTargets;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointCheckProvider;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointChecker;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointChecker.AuthorizationCheckException;
import org.keycloak.protocol.oidc.endpoints.request.AuthorizationEndpointRequest;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.util.TokenUtil;

/**
 * Validates {@code requested_actor} at the authorization endpoint (PROTOCOL §2.1). Keycloak runs this after
 * its own checks of redirect_uri, response_type and PKCE syntax, and redirects our errors to the client.
 */
public final class RequestedActorCheckProvider implements AuthorizationEndpointCheckProvider {

    /** OIDC Core 3.1.2.6; Keycloak's OAuthErrorException has no constant for it. */
    static final String CONSENT_REQUIRED = "consent_required";
    static final String FULL_SCOPE_AGENT =
            "the agent has Full scope allowed switched on: an agent may only act with the roles mapped to it explicitly";

    private final KeycloakSession session;

    RequestedActorCheckProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void check(AuthorizationEndpointChecker context) throws AuthorizationCheckException {
        AuthorizationEndpointRequest request = context.getAuthorizationEndpointRequest();
        RequestedActor actor = RequestedActor.parse(
                context.getQueryParams().get(AgentAttributes.REQUESTED_ACTOR),
                request.getAdditionalReqParams().get(AgentAttributes.REQUESTED_ACTOR));
        if (!actor.isPresent() && !actor.isRejected()) {
            return;
        }
        EventBuilder event = context.getEventBuilder();
        if (actor.isRejected()) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST, actor.error());
        }
        event.detail(AuditDetails.ACTOR, actor.value());
        requireCodeFlowWithS256(event, request);
        requireConsentActionEnabled(event, context.getRealm());
        Agent agent = resolve(event, context.getRealm(), actor.value());
        if (!agent.settings().acceptsClient(context.getClient().getClientId())) {
            throw reject(event, OAuthErrorException.UNAUTHORIZED_CLIENT,
                    "the requested agent does not accept requests from this client");
        }
        // RFC 8707: an API the realm does not know is refused before the user is asked, not after.
        if (request.getResource() != null
                && RequestedTargets.resources(context.getRealm(), List.of(request.getResource())).isEmpty()) {
            throw reject(event, OAuthErrorException.INVALID_TARGET, RequestedTargets.UNAVAILABLE_TO_CLIENT);
        }
        if (TokenUtil.hasPrompt(request.getPrompt(), OIDCLoginProtocol.PROMPT_VALUE_NONE)) {
            requireCoveringConsent(event, context.getRealm(), context.getClient(), agent, request.getScope());
        }
    }

    /**
     * {@code prompt=none} cannot show the consent page, so a signed-in user without a stored consent covering the
     * request gets {@code consent_required} (OIDC Core 3.1.2.6). Without a session, Keycloak answers
     * {@code login_required} itself.
     */
    private void requireCoveringConsent(EventBuilder event, RealmModel realm, ClientModel app, Agent agent, String scope)
            throws AuthorizationCheckException {
        KeycloakContext context = session.getContext();
        UserSessionModel before = context.getUserSession();
        AuthenticationManager.AuthResult signedIn;
        try {
            signedIn = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        } finally {
            context.setUserSession(before);
        }
        if (signedIn == null) {
            return;
        }
        // The same client scopes the login would settle and the consent page would show, not the scope parameter alone.
        boolean covered = ConsentStore.of(session).covers(realm, signedIn.user(), app.getId(),
                agent.clientUuid(), ConsentScopes.requested(session, app, signedIn.user(), scope).names());
        if (!covered) {
            event.user(signedIn.user());
            throw reject(event, CONSENT_REQUIRED,
                    "the user has not consented to this agent for this client (prompt=none cannot ask)");
        }
    }

    private static void requireCodeFlowWithS256(EventBuilder event, AuthorizationEndpointRequest request)
            throws AuthorizationCheckException {
        if (!OAuth2Constants.CODE.equals(request.getResponseType())) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST,
                    "requested_actor is only supported with response_type=code");
        }
        if (request.getCodeChallenge() == null || !OAuth2Constants.PKCE_METHOD_S256.equals(request.getCodeChallengeMethod())) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST,
                    "requested_actor requires PKCE with code_challenge_method=S256");
        }
    }

    /** Without the consent step no code could be bound to the agent, so refuse rather than issue a plain one. */
    private static void requireConsentActionEnabled(EventBuilder event, RealmModel realm) throws AuthorizationCheckException {
        if (!ConsentStep.isEnabled(realm)) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST,
                    "agent delegation is not enabled in this realm (the agent consent required action is disabled)");
        }
    }

    private Agent resolve(EventBuilder event, RealmModel realm, String reference) throws AuthorizationCheckException {
        AgentResolver resolver = new AgentResolver(session, realm);
        Optional<Agent> agent = resolver.byReference(reference);
        if (agent.isEmpty() && resolver.isFullScopeAgent(reference)) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST, FULL_SCOPE_AGENT);
        }
        if (agent.isEmpty()) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST, "unknown agent");
        }
        event.detail(AuditDetails.ACTOR, agent.get().clientId());
        return agent.get();
    }

    private static AuthorizationCheckException reject(EventBuilder event, String error, String description) {
        event.detail(Details.REASON, description);
        event.error(switch (error) {
            case OAuthErrorException.UNAUTHORIZED_CLIENT -> Errors.NOT_ALLOWED;
            case CONSENT_REQUIRED -> Errors.CONSENT_DENIED;
            default -> Errors.INVALID_REQUEST;
        });
        return new AuthorizationCheckException(Response.Status.BAD_REQUEST, error, description);
    }

    @Override
    public void close() {
    }
}
