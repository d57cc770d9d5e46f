package dev.actorbound.keycloak.grant;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.actortoken.ActorTokenParameters;
import dev.actorbound.keycloak.core.GrantRefusal;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.ActorChain;
import dev.actorbound.keycloak.core.DelegatedRoles;
import dev.actorbound.keycloak.delegation.Delegation;
import dev.actorbound.keycloak.delegation.DelegationSeal;
import dev.actorbound.keycloak.delegation.EffectiveGrant;
import dev.actorbound.keycloak.delegation.ResolvedRoles;
import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.DelegationBinding;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.policy.PolicyQuestion;
import dev.actorbound.keycloak.policy.PolicyStep;
import dev.actorbound.keycloak.policy.TokenPolicy;
import dev.actorbound.keycloak.core.RequestedTargets;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.AuthorizationCodeGrantType;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.clientpolicy.ClientPolicyContext;

/**
 * Keycloak's authorization-code grant plus the draft's actor binding (PROTOCOL §2.2). Keycloak's own steps run
 * first and unchanged: client authentication, code consumption (single use, even if a later check fails),
 * client and redirect binding, PKCE. Just before the token is built, the code's binding and the
 * {@code actor_token} must agree, and the agent, its acceptance of the app and the user's consent are
 * checked again against live state.
 */
public final class ActorBoundCodeGrantType extends AuthorizationCodeGrantType {

    private final ActorboundOptions options;
    private ActorTokenParameters actorParameters;
    /** The agent of a delegated code, once all checks passed; {@code null} for a plain code. */
    private Agent delegatedAgent;

    ActorBoundCodeGrantType(ActorboundOptions options) {
        this.options = options;
    }

    @Override
    public Response process(Context context) {
        actorParameters = ActorTokenParameters.parse(context.getFormParams());
        if (actorParameters.error() != null) {
            setContext(context);
            throw fail(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST, actorParameters.error());
        }
        return super.process(context);
    }

    @Override
    protected TokenManager.AccessTokenResponseBuilder createTokenResponseBuilder(UserModel user, UserSessionModel userSession,
            ClientSessionContext clientSessionCtx, String scopeParam,
            Function<TokenManager.AccessTokenResponseBuilder, ClientPolicyContext> clientPolicyContextGenerator) {
        DelegationBinding binding = takeBinding(clientSessionCtx.getClientSession());
        if (binding == null) {
            if (actorParameters.token() != null) {
                throw fail(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                        "actor_token was sent but the authorization code is not bound to an agent");
            }
            return super.createTokenResponseBuilder(user, userSession, clientSessionCtx, scopeParam, clientPolicyContextGenerator);
        }
        event.detail(AuditDetails.ACTOR, binding.agentClientId()).detail(AuditDetails.ACTOR_SUB, binding.serviceAccountId());
        if (actorParameters.token() == null) {
            throw fail(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "actor_token is required: the authorization code was issued for an agent");
        }
        BoundAgentChecks checks = new BoundAgentChecks(session, realm, new GrantRefusal(event, cors));
        checks.actorToken(actorParameters.token(), new Actor(binding.serviceAccountId(), binding.agentClientId()));
        BoundAgentChecks.LiveAgent live = checks.liveAgent(new AgentResolver(session, realm).byClientUuid(binding.agentClientUuid()),
                binding.serviceAccountId(), client, user);
        Agent agent = live.agent();
        delegatedAgent = agent;
        ActorChain chain = ActorChain.of(new Actor(agent.serviceAccountId(), agent.clientId()));
        event.detail(AuditDetails.ACTOR_CHAIN, chain.serialize());
        // Decided before Keycloak builds the token, so that every protocol mapper sees only these roles.
        EffectiveGrant candidates = new EffectiveGrant(
                DelegatedRoles.narrow(clientSessionCtx.getRolesStream(), List.of(agent.client()), role -> true),
                live.consent().scopes());
        RequestedTargets targets = requestedResources(binding);
        TokenPolicy policy = TokenPolicy.ask(session, realm, () -> new PolicyQuestion(PolicyStep.AUTHORIZATION_CODE, user, agent,
                client.getClientId(), List.of(agent.clientId()), targets.clients().stream().map(ClientModel::getClientId).toList(),
                candidates.roles(), candidates.scopes(), AgentConsent.scopesOf(scopeParam)), new GrantRefusal(event, cors), event);
        EffectiveGrant grant = new EffectiveGrant(policy.keptRoles(candidates.roles()), policy.keptScopes(candidates.scopes()));
        ClientSessionContext narrowedCtx = policy.narrow(clientSessionCtx, grant.scopes());
        if (narrowedCtx.isOfflineTokenRequested() && !grant.allowsRealmRole(Constants.OFFLINE_ACCESS_ROLE)) {
            throw fail(OAuthErrorException.INVALID_GRANT, ActorboundErrors.DELEGATION_WIDENED, DelegationSeal.OFFLINE_NOT_ALLOWED);
        }
        ResolvedRoles.prime(session, clientSessionCtx, grant.roles());
        if (!targets.isEmpty()) {
            // Keycloak then keeps only these in the audience (and their roles in resource_access): the API asked for.
            clientSessionCtx.setAttribute(Constants.REQUESTED_AUDIENCE_CLIENTS, targets.clients().toArray(ClientModel[]::new));
        }
        clientSessionCtx.setAttribute(Delegation.ATTRIBUTE, new Delegation(chain, options.lifetimeFor(agent.settings()),
                null, grant, null, client.getClientId(), event, cors));
        TokenManager.AccessTokenResponseBuilder builder =
                super.createTokenResponseBuilder(user, userSession, narrowedCtx, scopeParam, clientPolicyContextGenerator);
        if (targets.resourceMissingFrom(builder.getAccessToken().getAudience())) {
            throw fail(OAuthErrorException.INVALID_TARGET, Errors.INVALID_REQUEST, RequestedTargets.UNAVAILABLE_TO_CLIENT);
        }
        return builder;
    }

    /**
     * RFC 8707 §2.2: the token request's {@code resource} picks among what the authorization request named (when it
     * named one), or the code's resource applies. Either way the token is for that API only.
     */
    private RequestedTargets requestedResources(DelegationBinding binding) {
        List<String> asked = formParams.get(OAuth2Constants.RESOURCE);
        if (asked == null || asked.isEmpty()) {
            asked = binding.resource() == null ? List.of() : List.of(binding.resource());
        } else if (binding.resource() != null && !asked.stream().allMatch(binding.resource()::equals)) {
            throw fail(OAuthErrorException.INVALID_TARGET, Errors.INVALID_REQUEST,
                    "requested resource is not the one the authorization request named");
        }
        return new RequestedTargets(List.of(), RequestedTargets.resources(realm, asked).orElseThrow(() ->
                fail(OAuthErrorException.INVALID_TARGET, Errors.INVALID_REQUEST, RequestedTargets.UNAVAILABLE_TO_CLIENT)));
    }

    /**
     * A delegated code yields a refresh token only when the agent's settings allow it (PROTOCOL §5); that refresh
     * token carries {@code act}, so {@link DelegatedRefreshTokenProvider} and not the stock one handles its use.
     */
    @Override
    protected boolean useRefreshToken() {
        boolean agentMayRefresh = delegatedAgent == null || delegatedAgent.settings().refreshAllowed();
        return agentMayRefresh && super.useRefreshToken();
    }

    /**
     * Reads the binding and marks it used: the code it belongs to is already consumed, whatever happens next. The
     * binding is keyed by the code's PKCE challenge (the code itself has no room for it), so a second code the app
     * obtained with the same challenge in the same session finds it used and is refused: otherwise redeeming a plain
     * twin first would take the binding, and the delegated code would then yield a plain token. The mark lives in
     * Keycloak's single-use store for as long as the binding can matter, so the client session is not written again.
     */
    private DelegationBinding takeBinding(AuthenticatedClientSessionModel clientSession) {
        String verifier = formParams.getFirst(OAuth2Constants.CODE_VERIFIER);
        if (verifier == null) {
            return null;
        }
        String challenge = DelegationBinding.s256Challenge(verifier);
        String note = clientSession.getNote(DelegationBinding.noteKey(challenge));
        if (note == null) {
            return null;
        }
        long lifespan = DelegationBinding.lifespan(realm);
        boolean firstUse = session.singleUseObjects().putIfAbsent(
                DelegationBinding.usedKey(clientSession.getUserSession().getId(), client.getId(), challenge), lifespan);
        if (!firstUse || DelegationBinding.USED.equals(note)) {
            throw fail(OAuthErrorException.INVALID_GRANT, Errors.INVALID_CODE,
                    "the code reuses the PKCE challenge of an agent-bound code already presented; every authorization request needs its own code_challenge");
        }
        DelegationBinding binding = DelegationBinding.decode(note);
        if (binding == null) {
            throw fail(OAuthErrorException.INVALID_GRANT, Errors.INVALID_CODE, "the authorization code's agent binding is unreadable");
        }
        if (binding.expired(Time.currentTime(), lifespan)) {
            throw fail(OAuthErrorException.INVALID_GRANT, Errors.INVALID_CODE, DelegationBinding.EXPIRED);
        }
        return binding;
    }

    private CorsErrorResponseException fail(String oauthError, String eventError, String description) {
        return new GrantRefusal(event, cors).refuse(oauthError, eventError, description);
    }

    @Override
    public Set<String> getTokenParameterNames() {
        // Declared so that Keycloak keeps actor tokens longer than its default parameter size limit.
        return Set.of(OAuth2Constants.ACTOR_TOKEN);
    }
}
