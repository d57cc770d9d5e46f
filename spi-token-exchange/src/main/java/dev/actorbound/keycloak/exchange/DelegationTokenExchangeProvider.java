package dev.actorbound.keycloak.exchange;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.agent.AgentResolver;
import dev.actorbound.keycloak.agent.AuditDetails;
import dev.actorbound.keycloak.chain.ActorChain;
import dev.actorbound.keycloak.chain.Delegation;
import dev.actorbound.keycloak.chain.RoleCeiling;
import dev.actorbound.keycloak.consent.ActorboundOptions;
import dev.actorbound.keycloak.grant.GrantRefusal;
import dev.actorbound.keycloak.grant.RealmTokenVerifier;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.authentication.actiontoken.TokenUtils;

/**
 * RFC 8693 delegation exchange (PROTOCOL §3). Claims every exchange that carries an {@code actor_token} or whose
 * subject token carries {@code act}, so Keycloak's standard exchange can never strip an actor (#52691). Who may
 * act is decided here against live state; Keycloak's own machinery then builds the token, which the act-claim
 * post-processor stamps, narrows and caps.
 */
public final class DelegationTokenExchangeProvider extends StandardTokenExchangeProvider {

    private static final Set<String> ACTOR_TOKEN_TYPES = Set.of(OAuth2Constants.ACCESS_TOKEN_TYPE, OAuth2Constants.JWT_TOKEN_TYPE);
    private static final List<String> UNSUPPORTED = List.of(OAuth2Constants.REQUESTED_SUBJECT, OAuth2Constants.REQUESTED_ISSUER,
            OAuth2Constants.SUBJECT_ISSUER);

    private final ActorboundOptions options;
    private GrantRefusal failure;
    private AccessToken subject;

    DelegationTokenExchangeProvider(ActorboundOptions options) {
        this.options = options;
    }

    @Override
    public boolean supports(TokenExchangeContext context) {
        return context.getParams().getActorToken() != null || SubjectTokenPeek.carriesAct(context.getParams().getSubjectToken());
    }

    @Override
    protected Response tokenExchange() {
        failure = new GrantRefusal(event, cors);
        requireParameters();
        Agent requester = requireAgentRequester();
        requireOwnActorToken(requester);
        AuthResult verified = new RealmTokenVerifier(session, realm).verify(params.getSubjectToken())
                .orElseThrow(() -> failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN,
                        "subject_token is not a valid, active access token of this realm"));
        subject = verified.token();
        event.user(verified.user()).detail(AuditDetails.ACTOR, requester.clientId())
                .detail(AuditDetails.ACTOR_SUB, requester.serviceAccountId());
        HandOff handOff = new HandOff(session, realm, options, failure)
                .decide(subject, verified.user(), requester);
        event.detail(AuditDetails.ACTOR_CHAIN, handOff.chain().serialize());
        session.setAttribute(Delegation.ATTRIBUTE, new Delegation(handOff.chain(),
                options.lifetimeFor(requester.settings()), subject.getExp(),
                RoleCeiling.of(subject), handOff.originClientId(), event));
        return exchangeClientToClient(verified.user(), verified.session(), subject, false);
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
        if (params.getActorToken() == null) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "actor_token is required for delegation token exchange");
        }
        if (params.getActorTokenType() != null && !ACTOR_TOKEN_TYPES.contains(params.getActorTokenType())) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
                    "actor_token_type must be " + OAuth2Constants.ACCESS_TOKEN_TYPE + " or " + OAuth2Constants.JWT_TOKEN_TYPE);
        }
    }

    private Agent requireAgentRequester() {
        return new AgentResolver(session, realm).byClientUuid(client.getId())
                .orElseThrow(() -> failure.refuse(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.NOT_ALLOWED,
                        "the requesting client is not an agent"));
    }

    private void requireOwnActorToken(Agent requester) {
        AccessToken actor = new RealmTokenVerifier(session, realm).verify(params.getActorToken())
                .map(AuthResult::token)
                .orElseThrow(() -> failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN,
                        "actor_token is not a valid, active access token of this realm"));
        if (actor.getOtherClaims().containsKey(ActorChain.CLAIM) || !requester.serviceAccountId().equals(actor.getSubject())
                || !requester.clientId().equals(actor.getIssuedFor())) {
            throw failure.refuse(OAuthErrorException.INVALID_GRANT, "actor_mismatch",
                    "actor_token must be the requesting agent's own token");
        }
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

    @Override
    protected List<ClientModel> getTargetAudienceClients() {
        List<String> audiences = params.getAudience() == null ? List.of() : params.getAudience();
        List<ClientModel> targets = audiences.stream().map(realm::getClientByClientId).toList();
        if (targets.stream().anyMatch(target -> target == null || !target.isEnabled())) {
            throw unavailableAudience();
        }
        return targets.isEmpty() ? List.of(client) : targets;
    }

    /** Replaces the standard rule "requester must be in the subject token's audience": consent and hand-off rules decide. */
    @Override
    protected void validateAudience(AccessToken token, boolean disallowOnHolderOfTokenMismatch, List<ClientModel> targets) {
    }

    @Override
    protected String getRequestedScope(AccessToken token, List<ClientModel> targets) {
        String scope = params.getScope();
        if (scope == null || scope.isBlank()) {
            return null;
        }
        Set<String> held = split(token.getScope());
        if (!held.containsAll(split(scope)) || !TokenManager.isValidScope(session, scope, client)) {
            throw failure.refuse(OAuthErrorException.INVALID_SCOPE, Errors.INVALID_REQUEST,
                    "requested scope exceeds what the subject token and the agent allow");
        }
        return scope;
    }

    @Override
    protected void checkRequestedAudiences(TokenManager.AccessTokenResponseBuilder responseBuilder) {
        if (!TokenUtils.checkRequestedAudiences(responseBuilder.getAccessToken(), params.getAudience()).isEmpty()) {
            throw unavailableAudience();
        }
    }

    private RuntimeException unavailableAudience() {
        return failure.refuse(OAuthErrorException.INVALID_TARGET, Errors.INVALID_REQUEST,
                "requested audience is not available to this agent");
    }

    private static Set<String> split(String scope) {
        return scope == null ? Set.of() : Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }
}
