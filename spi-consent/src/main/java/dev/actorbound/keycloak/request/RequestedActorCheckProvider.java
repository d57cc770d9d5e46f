package dev.actorbound.keycloak.request;

import java.util.Optional;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.agent.AgentAttributes;
import dev.actorbound.keycloak.agent.AgentResolver;
import dev.actorbound.keycloak.agent.AuditDetails;
import dev.actorbound.keycloak.consent.AgentConsentRequiredActionFactory;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointCheckProvider;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointChecker;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpointChecker.AuthorizationCheckException;
import org.keycloak.protocol.oidc.endpoints.request.AuthorizationEndpointRequest;

/**
 * Validates {@code requested_actor} at the authorization endpoint (PROTOCOL §2.1). Keycloak runs this after
 * its own checks of redirect_uri, response_type and PKCE syntax, and redirects our errors to the client.
 */
public final class RequestedActorCheckProvider implements AuthorizationEndpointCheckProvider {

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
        RequiredActionProviderModel action =
                realm.getRequiredActionProviderByAlias(AgentConsentRequiredActionFactory.PROVIDER_ID);
        if (action == null || !action.isEnabled()) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST,
                    "agent delegation is not enabled in this realm (the agent consent required action is disabled)");
        }
    }

    private Agent resolve(EventBuilder event, RealmModel realm, String reference) throws AuthorizationCheckException {
        Optional<Agent> agent = new AgentResolver(session, realm).byReference(reference);
        if (agent.isEmpty()) {
            throw reject(event, OAuthErrorException.INVALID_REQUEST, "unknown agent");
        }
        event.detail(AuditDetails.ACTOR, agent.get().clientId());
        return agent.get();
    }

    private static AuthorizationCheckException reject(EventBuilder event, String error, String description) {
        event.detail(Details.REASON, description);
        event.error(OAuthErrorException.UNAUTHORIZED_CLIENT.equals(error) ? Errors.NOT_ALLOWED : Errors.INVALID_REQUEST);
        return new AuthorizationCheckException(Response.Status.BAD_REQUEST, error, description);
    }

    @Override
    public void close() {
    }
}
