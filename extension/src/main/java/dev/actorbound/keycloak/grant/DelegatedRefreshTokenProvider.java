package dev.actorbound.keycloak.grant;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import java.util.Objects;
import java.util.Collection;
import dev.actorbound.keycloak.actortoken.ActorTokenParameters;
import dev.actorbound.keycloak.core.GrantRefusal;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.ActorChain;
import dev.actorbound.keycloak.core.DelegatedRoles;
import dev.actorbound.keycloak.delegation.Delegation;
import dev.actorbound.keycloak.delegation.EffectiveGrant;
import dev.actorbound.keycloak.delegation.ResolvedRoles;
import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.policy.PolicyQuestion;
import dev.actorbound.keycloak.policy.PolicyStep;
import dev.actorbound.keycloak.policy.TokenPolicy;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.refresh.DefaultRefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.InitialRefreshTokenContext;
import org.keycloak.protocol.oidc.refresh.RefreshTokenContext;
import org.keycloak.representations.RefreshToken;

/**
 * Refresh of a delegated token (PROTOCOL §5). Keycloak hands this provider every refresh token that carries
 * {@code act} (it has verified the signature by then); the agent must present its own {@code actor_token} again,
 * must still allow refresh and accept the app, and the user's consent must stand. Only then does the stock
 * refresh run, with the same delegation marked for the token post-processor, so {@code act}, the role narrowing
 * and the short lifetime survive the refresh. A delegated refresh token therefore never yields a plain token.
 */
public final class DelegatedRefreshTokenProvider extends DefaultRefreshTokenProvider {

    private final ActorboundOptions options;
    /** The policy's decision for this refresh and what it left, taken before Keycloak builds the new token's context. */
    private TokenPolicy policy;
    private EffectiveGrant grant;

    DelegatedRefreshTokenProvider(KeycloakSession session, ActorboundOptions options) {
        super(session);
        this.options = options;
    }

    /** Issuing refresh tokens stays with Keycloak's provider; the token post-processor marks delegated ones. */
    @Override
    public boolean supports(InitialRefreshTokenContext initialRefreshTokenCtx) {
        return false;
    }

    @Override
    public boolean supports(RefreshTokenContext ctx) {
        return super.supports(ctx) && ctx.oldRefreshToken().getOtherClaims().containsKey(ActorChain.CLAIM);
    }

    @Override
    public TokenManager.AccessTokenResponseBuilder refreshAccessToken(RefreshTokenContext ctx) throws OAuthErrorException {
        RealmModel realm = ctx.grantContext().getRealm();
        ClientModel app = ctx.grantContext().getClient();
        EventBuilder event = ctx.grantContext().getEvent();
        GrantRefusal refusal = new GrantRefusal(event, ctx.grantContext().getCors());
        RefreshToken old = ctx.oldRefreshToken();

        ActorChain chain = readChain(old, refusal);
        Actor actor = chain.current();
        event.detail(AuditDetails.ACTOR, actor.clientId()).detail(AuditDetails.ACTOR_SUB, actor.sub())
                .detail(AuditDetails.ACTOR_CHAIN, chain.serialize());

        ActorTokenParameters actorParameters = ActorTokenParameters.parse(ctx.grantContext().getFormParams());
        if (actorParameters.error() != null) {
            throw refusal.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST, actorParameters.error());
        }
        if (actorParameters.token() == null) {
            throw refusal.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "actor_token is required: the refresh token was issued for an agent");
        }
        BoundAgentChecks checks = new BoundAgentChecks(session, realm, refusal);
        checks.actorToken(actorParameters.token(), actor);
        UserModel user = Optional.ofNullable(old.getSubject()).map(id -> session.users().getUserById(realm, id))
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.USER_NOT_FOUND,
                        "the user of the refresh token no longer exists"));
        BoundAgentChecks.LiveAgent live = checks.liveAgent(new AgentResolver(session, realm).byClientId(actor.clientId()),
                actor.sub(), app, user);
        Agent agent = live.agent();
        if (!agent.settings().refreshAllowed()) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.NOT_ALLOWED,
                    "the agent's settings no longer allow refresh of delegated tokens");
        }

        // The refresh builds its client-session context inside Keycloak from the refresh token's scope; the roles
        // that context will hold are computed the same way here, narrowed, and put where every mapper reads them.
        List<ClientModel> actors = List.of(agent.client());
        Set<RoleModel> appRoles = ResolvedRoles.beforeCeilings(session, user, app, old.getScope(), actors);
        EffectiveGrant candidates = new EffectiveGrant(DelegatedRoles.narrow(appRoles.stream(), actors, role -> true),
                live.consent().scopes());
        policy = TokenPolicy.ask(session, realm, () -> new PolicyQuestion(PolicyStep.REFRESH_TOKEN, user, agent, app.getClientId(),
                chain.clientIds(), List.of(), candidates.roles(), candidates.scopes(), AgentConsent.scopesOf(ctx.scopeParameter())),
                refusal, event);
        grant = new EffectiveGrant(policy.keptRoles(candidates.roles()), policy.keptScopes(candidates.scopes()));
        ResolvedRoles.prime(session, old.getSessionId(), app, grant.roles());
        session.setAttribute(Delegation.ATTRIBUTE, new Delegation(chain, options.lifetimeFor(agent.settings()), null,
                grant, null, app.getClientId(), event, ctx.grantContext().getCors()));
        return super.refreshAccessToken(ctx);
    }

    /**
     * The context Keycloak builds from the refresh token's scope, without the scopes the policy dropped, and for the
     * same APIs as the token it replaces.
     */
    @Override
    protected TokenManager.TokenValidation validateToken(KeycloakSession session, UriInfo uriInfo, ClientConnection connection,
            RealmModel realm, RefreshToken oldToken, HttpHeaders headers, String scope, ClientModel client,
            TokenManager tokenManager, EventBuilder event) throws OAuthErrorException {
        TokenManager.TokenValidation validation = super.validateToken(session, uriInfo, connection, realm, oldToken, headers,
                scope, client, tokenManager, event);
        keepRequestedAudience(realm, oldToken, validation.clientSessionCtx);
        return policy == null ? validation : new TokenManager.TokenValidation(validation.user, validation.userSession,
                policy.narrow(validation.clientSessionCtx, grant.scopes()));
    }

    /**
     * RFC 8707: a token asked for one API stays for that API when it is refreshed. Keycloak records the requested
     * audience in the refresh token ({@value Constants#REQUESTED_AUDIENCE}), but 26.7.3 puts it back into the context
     * only after it built the new access token, whose audience would then reach every API again. Put back here,
     * before; a client deleted since is left out, which only narrows.
     */
    private static void keepRequestedAudience(RealmModel realm, RefreshToken oldToken, ClientSessionContext ctx) {
        if (oldToken.getOtherClaims().get(Constants.REQUESTED_AUDIENCE) instanceof Collection<?> clientIds) {
            ctx.setAttribute(Constants.REQUESTED_AUDIENCE_CLIENTS, clientIds.stream().map(String::valueOf)
                    .map(realm::getClientByClientId).filter(Objects::nonNull).toArray(ClientModel[]::new));
        }
    }

    private static ActorChain readChain(RefreshToken token, GrantRefusal refusal) {
        ActorChain chain = ActorChain.fromClaim(token.getOtherClaims().get(ActorChain.CLAIM));
        if (chain == null) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN, "the refresh token's act claim is unreadable");
        }
        return chain;
    }
}
