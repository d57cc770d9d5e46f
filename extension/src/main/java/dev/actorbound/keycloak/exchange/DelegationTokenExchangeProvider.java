package dev.actorbound.keycloak.exchange;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.DelegatedRoles;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.RoleCeiling;
import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.delegation.Delegation;
import dev.actorbound.keycloak.delegation.EffectiveGrant;
import dev.actorbound.keycloak.delegation.ResolvedRoles;
import dev.actorbound.keycloak.delegation.TokenPeek;
import dev.actorbound.keycloak.actortoken.ActorTokenParameters;
import dev.actorbound.keycloak.actortoken.ActorTokenVerifier;
import dev.actorbound.keycloak.core.GrantRefusal;
import dev.actorbound.keycloak.actortoken.RealmTokenVerifier;
import dev.actorbound.keycloak.policy.PolicyQuestion;
import dev.actorbound.keycloak.policy.PolicyStep;
import dev.actorbound.keycloak.policy.TokenPolicy;
import dev.actorbound.keycloak.core.RealmIssuer;
import dev.actorbound.keycloak.core.RequestedTargets;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.Profile;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.dpop.DPoP;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.util.DPoPUtil;
import org.keycloak.services.util.MtlsHoKTokenUtil;

/**
 * RFC 8693 delegation exchange (PROTOCOL §3). Claims every exchange whose subject token is this realm's and that
 * carries an {@code actor_token} or whose subject token carries {@code act}, so Keycloak's standard exchange can never
 * strip an actor (#52691); tokens of other issuers stay with Keycloak's own exchanges. Who may act is decided here
 * against live state, and so is what the token may carry (roles and scopes), before Keycloak's own machinery builds
 * it; the act-claim post-processor then stamps, caps and seals it.
 */
public final class DelegationTokenExchangeProvider extends StandardTokenExchangeProvider {

    private static final String AUDIENCE = OAuth2Constants.AUDIENCE;
    private static final String RESOURCE = OAuth2Constants.RESOURCE;
    private static final List<String> UNSUPPORTED = List.of(OAuth2Constants.REQUESTED_SUBJECT, OAuth2Constants.REQUESTED_ISSUER,
            OAuth2Constants.SUBJECT_ISSUER);

    private final ActorboundOptions options;
    private GrantRefusal failure;
    private AccessToken subject;
    /** What the subject token carries: a ceiling for this hop (and what the policy is asked about). */
    private RoleCeiling subjectRoles;
    private HandOff handOff;
    private Agent requester;
    private Set<String> grantedScopes = Set.of();
    private UserModel user;
    private TokenPolicy policy;
    private RequestedTargets targets = RequestedTargets.NONE;

    DelegationTokenExchangeProvider(ActorboundOptions options) {
        this.options = options;
    }

    @Override
    public boolean supports(TokenExchangeContext context) {
        String issuer = RealmIssuer.of(context.getSession(), context.getRealm());
        return TokenPeek.inRequest(context.getSession(), context.getParams().getSubjectToken()).filter(token -> token.issuedBy(issuer))
                .filter(token -> token.carriesAct() || context.getParams().getActorToken() != null)
                .isPresent();
    }

    @Override
    protected Response tokenExchange() {
        failure = new GrantRefusal(event, cors);
        requireParameters();
        requester = requireAgentRequester();
        requireOwnActorToken(requester);
        AuthResult verified = new RealmTokenVerifier(session, realm).verify(params.getSubjectToken())
                .orElseThrow(() -> failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN,
                        "subject_token is not a valid, active access token of this realm"));
        subject = verified.token();
        subjectRoles = RoleCeiling.of(session, subject);
        user = verified.user();
        event.user(verified.user()).detail(AuditDetails.ACTOR, requester.clientId())
                .detail(AuditDetails.ACTOR_SUB, requester.serviceAccountId());
        requireSenderConstraint(subject);
        handOff = new HandOff(session, realm, options, failure).decide(subject, verified.user(), requester);
        event.detail(AuditDetails.ACTOR_CHAIN, handOff.chain().serialize());
        return exchangeClientToClient(verified.user(), verified.session(), subject, false);
    }

    /**
     * RFC 9449 / RFC 8705: a sender-constrained subject token stays sender-constrained. The request must prove the
     * same key (DPoP) or present the same certificate (mTLS), and the new token is bound to it as well, as Keycloak's
     * own exchange requires of its requester.
     */
    private void requireSenderConstraint(AccessToken token) {
        AccessToken.Confirmation cnf = token.getConfirmation();
        if (cnf == null) {
            return;
        }
        if (cnf.getKeyThumbprint() != null) {
            DPoP proof = Profile.isFeatureEnabled(Profile.Feature.DPOP)
                    ? session.getAttribute(DPoPUtil.DPOP_SESSION_ATTRIBUTE, DPoP.class) : null;
            if (proof == null) {
                throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_DPOP_PROOF,
                        "the subject_token is DPoP-bound: the request needs a DPoP proof of the same key");
            }
            if (!Objects.equals(proof.getThumbprint(), cnf.getKeyThumbprint())) {
                throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_DPOP_PROOF,
                        "the DPoP proof's key does not match the subject_token's binding");
            }
        }
        if (cnf.getCertThumbprint() != null
                && !MtlsHoKTokenUtil.verifyTokenBindingWithClientCertificate(token, session.getContext().getHttpRequest(), session)) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.NOT_ALLOWED,
                    "the subject_token is bound to a client certificate: the request must present the same certificate");
        }
    }

    private void requireParameters() {
        for (String name : UNSUPPORTED) {
            if (formParams.containsKey(name)) {
                throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                        name + " is not supported for delegation token exchange");
            }
        }
        if (params.getSubjectToken() == null || !OAuth2Constants.ACCESS_TOKEN_TYPE.equals(params.getSubjectTokenType())) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "subject_token with subject_token_type " + OAuth2Constants.ACCESS_TOKEN_TYPE + " is required");
        }
        ActorTokenParameters actor = ActorTokenParameters.parse(formParams);
        if (actor.error() != null) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST, actor.error());
        }
        if (actor.token() == null) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "actor_token is required for delegation token exchange");
        }
    }

    private Agent requireAgentRequester() {
        return new AgentResolver(session, realm).byClientUuid(client.getId())
                .orElseThrow(() -> failure.refuse(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.NOT_ALLOWED,
                        "the requesting client is not an agent"));
    }

    private void requireOwnActorToken(Agent requester) {
        new ActorTokenVerifier(session, realm, failure).verify(params.getActorToken(),
                new Actor(requester.serviceAccountId(), requester.clientId()), ActorTokenVerifier.REQUESTING_AGENT);
    }

    /** Delegated exchanges issue access tokens only: a refresh token would outlive every live check. */
    @Override
    protected String getRequestedTokenType() {
        String requested = params.getRequestedTokenType();
        if (requested != null && !OAuth2Constants.ACCESS_TOKEN_TYPE.equals(requested)) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "only access tokens are issued by delegation token exchange");
        }
        return OAuth2Constants.ACCESS_TOKEN_TYPE;
    }

    /**
     * The APIs asked for, by RFC 8693 {@code audience} or RFC 8707 {@code resource}, each an enabled client of the
     * realm ({@code invalid_target} otherwise); none asked for means the requesting agent itself, as in Keycloak's
     * exchange.
     */
    @Override
    protected List<ClientModel> getTargetAudienceClients() {
        targets = new RequestedTargets(
                RequestedTargets.audiences(realm, params.getAudience()).orElseThrow(() -> unavailable(AUDIENCE)),
                RequestedTargets.resources(realm, params.getResource()).orElseThrow(() -> unavailable(RESOURCE)));
        return targets.isEmpty() ? List.of(client) : targets.clients();
    }

    /**
     * Keycloak's three rules here, each kept or replaced before this runs, so nothing is left to check:
     * <ul>
     * <li>"a public client cannot exchange": an agent is confidential by definition, so a public requester was
     * refused as "not an agent" ({@link #requireAgentRequester});
     * <li>"every target audience is an enabled client": {@link #getTargetAudienceClients} refused the others;
     * <li>"the requester holds the subject token or is in its audience": replaced. A delegated token is for an API,
     * not for the next agent, so the agent that hands it on is never in its audience. The delegation rule decided
     * instead ({@link HandOff}): the requester is the token's current actor, or an agent the current actor may hand
     * off to with the user's consent, proven by the requester's own actor token.
     * </ul>
     */
    @Override
    protected void validateAudience(AccessToken token, boolean disallowOnHolderOfTokenMismatch, List<ClientModel> targets) {
    }

    /**
     * Scopes: what the user consented to for the chain ∩ what the subject token holds. An explicit {@code scope}
     * beyond that is {@code invalid_scope}; without one, the requester's default scopes that would show in
     * {@code scope} are restricted to that set too (Keycloak always adds them), so a hop never widens. Default scopes
     * that never show in {@code scope} (roles, basic, acr, web-origins) stay: they carry no grant of their own, and
     * roles are narrowed anyway.
     */
    @Override
    protected String getRequestedScope(AccessToken token, List<ClientModel> targets) {
        Set<String> allowed = new HashSet<>(AgentConsent.scopesOf(token.getScope()));
        allowed.retainAll(handOff.consent().scopes());
        String scope = params.getScope();
        Set<String> requested = AgentConsent.scopesOf(scope);
        if (!allowed.containsAll(requested) || (!requested.isEmpty() && !TokenManager.isValidScope(session, scope, client))) {
            throw failure.refuse(OAuthErrorException.INVALID_SCOPE, Errors.INVALID_REQUEST,
                    "requested scope exceeds what the subject token and the user's consent allow");
        }
        grantedScopes = Set.copyOf(requested.isEmpty() ? allowed : requested);
        policy = askPolicy(scope, requested);
        grantedScopes = policy.keptScopes(grantedScopes);
        Set<String> restricted = new HashSet<>(grantedScopes);
        client.getClientScopes(true).values().stream().filter(s -> !s.isIncludeInTokenScope())
                .map(ClientScopeModel::getName).forEach(restricted::add);
        // The client's own dedicated scope (its protocol mappers) is named like the client; a null name is kept too.
        restricted.add(client.getName());
        context.setRestrictedScopes(restricted);
        return requested.isEmpty() ? null : scope;
    }

    /**
     * Keycloak's consent check for the requester runs unchanged. By then Keycloak has built the requester's
     * client-session context but no token yet: the place to decide the roles every protocol mapper will see.
     */
    @Override
    protected void validateConsents(UserModel targetUser, String scope) {
        super.validateConsents(targetUser, scope);
        ClientSessionContext ctx = session.getAttribute(ClientSessionContext.class.getName(), ClientSessionContext.class);
        if (ctx == null || !client.getId().equals(ctx.getClientSession().getClient().getId())) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, ActorboundErrors.DELEGATION_CONTEXT_MISSING,
                    "the delegation could not be narrowed for this request; no token was issued");
        }
        EffectiveGrant grant = new EffectiveGrant(
                policy.keptRoles(DelegatedRoles.narrow(ctx.getRolesStream(), handOff.actors(), subjectRoles::allows)), grantedScopes);
        ResolvedRoles.prime(session, ctx, grant.roles());
        if (!targets.isEmpty()) {
            // Keycloak restricts the audience to these only for the audience parameter; a resource counts the same.
            ctx.setAttribute(Constants.REQUESTED_AUDIENCE_CLIENTS, targets.clients().toArray(ClientModel[]::new));
        }
        session.setAttribute(Delegation.ATTRIBUTE, new Delegation(handOff.chain(), options.lifetimeFor(requester.settings()),
                subject.getExp(), grant, subject.getConfirmation(), handOff.originClientId(), event, cors));
    }

    /**
     * The realm's policy on this hop, asked before Keycloak builds the requester's context, so that a scope it drops is
     * never part of it. The roles it is asked about are those of the requester's scopes (a superset of what the
     * context will hold), narrowed by the chain and the subject token; what it drops is taken away again once the
     * context's own roles are known.
     */
    private TokenPolicy askPolicy(String scope, Set<String> requested) {
        List<String> audience = targets.clients().stream().map(ClientModel::getClientId).toList();
        Set<String> candidates = grantedScopes;
        return TokenPolicy.ask(session, realm, () -> new PolicyQuestion(PolicyStep.TOKEN_EXCHANGE, user, requester,
                handOff.originClientId(), handOff.chain().clientIds(), audience,
                DelegatedRoles.narrow(ResolvedRoles.beforeCeilings(session, user, client, scope, handOff.actors()).stream(),
                        handOff.actors(), subjectRoles::allows),
                candidates, requested), failure, event);
    }

    /**
     * Keycloak's check that every requested API made it into the token (it has dropped every other one), for
     * resources as for audiences, with the delegation's error.
     */
    @Override
    protected void checkRequestedAudiences(TokenManager.AccessTokenResponseBuilder responseBuilder) {
        String[] audience = responseBuilder.getAccessToken().getAudience();
        if (targets.resourceMissingFrom(audience)) {
            throw unavailable(RESOURCE);
        }
        if (targets.anyMissingFrom(audience)) {
            throw unavailable(AUDIENCE);
        }
    }

    private RuntimeException unavailable(String parameter) {
        return failure.refuse(OAuthErrorException.INVALID_TARGET, Errors.INVALID_REQUEST,
                "requested " + parameter + " is not available to this agent");
    }
}
