package dev.actorbound.keycloak.policy;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.core.RealmIssuer;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.RoleModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.utils.OIDCRedirectUriBuilder;
import org.keycloak.protocol.oidc.utils.OIDCResponseMode;
import org.keycloak.protocol.oidc.utils.OIDCResponseType;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The realm's policy before the consent page (PROTOCOL §9). Asked once per login that names an agent, before a
 * stored consent is looked up or the page is shown; the decision is kept in the authentication session, so that the
 * page lists and the consent records only what the policy left, and a refusal is sent to the app as an OAuth error
 * redirect instead of the page: {@code access_denied} when the policy denies, {@code invalid_scope} when it drops a
 * scope the app asked for by name, {@code temporarily_unavailable} when the PDP could not decide.
 */
public final class ConsentPolicy {

    static final String DECISION_NOTE = "actorbound.policy.decision";
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String DENIED = "the realm's policy does not allow this delegation";
    public static final String UNAVAILABLE = "the realm's policy decision point could not decide; no code was issued";

    private ConsentPolicy() {
    }

    /**
     * Asks the PDP about the delegation as this login settled it ({@code roles} and {@code scopes} are the candidates;
     * the roles are only computed when there is a PDP to ask), keeps the decision for the rest of the login and writes
     * it to the login event. False when the login must end in {@link #refusal}.
     */
    public static boolean admits(RequiredActionContext context, Agent agent, Supplier<Set<RoleModel>> roles,
                                 Set<String> scopes) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        PolicyDecision decision = context.getSession().getProvider(PolicyDecisionProvider.class).decide(context.getRealm(),
                () -> new PolicyQuestion(PolicyStep.AUTHORIZATION_REQUEST, context.getUser(), agent,
                        authSession.getClient().getClientId(), List.of(agent.clientId()), List.of(), roles.get(), scopes,
                        requested(authSession)));
        if (decision.outcome() == PolicyDecision.Outcome.NOT_ASKED) {
            authSession.removeAuthNote(DECISION_NOTE);
            return true;
        }
        authSession.setAuthNote(DECISION_NOTE, write(decision));
        decision.describe(context.getEvent());
        return refusalOf(decision) == null;
    }

    /** Writes this login's decision (if a PDP was asked) to the login event again, for the request that ends the login. */
    public static void describe(RequiredActionContext context) {
        decision(context.getAuthenticationSession()).describe(context.getEvent());
    }

    /** The scopes the policy dropped in this login; empty when no PDP was asked. */
    public static Set<String> droppedScopes(AuthenticationSessionModel authSession) {
        return decision(authSession).droppedScopes();
    }

    /** Whether a role may still be listed on the consent page. */
    public static Predicate<RoleModel> keepsRole(AuthenticationSessionModel authSession) {
        return decision(authSession)::keepsRole;
    }

    /** Whether this login's decision refuses the delegation; no side effects, unlike {@link #refusal}. */
    public static boolean refuses(AuthenticationSessionModel authSession) {
        return refusalOf(decision(authSession)) != null;
    }

    /**
     * The redirect that ends a login the policy refused, with the {@code LOGIN_ERROR} event saying why; {@code null}
     * when the policy admits the delegation.
     */
    public static Response refusal(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        PolicyDecision decision = decision(authSession);
        Refusal refusal = refusalOf(decision);
        if (refusal == null) {
            return null;
        }
        // A login event whichever request ends the login (a reload of the page runs as a required-action event).
        EventBuilder event = context.getEvent().clone().event(EventType.LOGIN).client(authSession.getClient())
                .user(context.getUser());
        decision.describe(event);
        event.detail(Details.REASON, refusal.description()).error(refusal.eventError());
        return redirect(context, authSession, refusal.error(), refusal.description());
    }

    private record Refusal(String error, String description, String eventError) {
    }

    private static Refusal refusalOf(PolicyDecision decision) {
        return switch (decision.outcome()) {
            case DENIED -> new Refusal(OAuthErrorException.ACCESS_DENIED, DENIED, ActorboundErrors.POLICY_DENIED);
            case UNAVAILABLE -> new Refusal(OAuthErrorException.TEMPORARILY_UNAVAILABLE, UNAVAILABLE,
                    ActorboundErrors.POLICY_UNAVAILABLE);
            default -> decision.refusesAScope() ? new Refusal(OAuthErrorException.INVALID_SCOPE,
                    PolicyDecision.scopeRefusal(decision.refusedScope()), ActorboundErrors.POLICY_DENIED) : null;
        };
    }

    private static Set<String> requested(AuthenticationSessionModel authSession) {
        return AgentConsent.scopesOf(authSession.getClientNote(OIDCLoginProtocol.SCOPE_PARAM));
    }

    /**
     * An authorization error response (RFC 6749 §4.1.2.1) the way Keycloak's own protocol sends one: the request's
     * response mode, its {@code state}, and {@code iss} unless the app turned it off (RFC 9207). Keycloak's
     * {@code sendError} only knows {@code access_denied} without a description.
     */
    private static Response redirect(RequiredActionContext context, AuthenticationSessionModel authSession, String error,
                                     String description) {
        OIDCResponseMode mode = OIDCResponseMode.parse(authSession.getClientNote(OIDCLoginProtocol.RESPONSE_MODE_PARAM),
                OIDCResponseType.parse(authSession.getClientNote(OIDCLoginProtocol.RESPONSE_TYPE_PARAM)));
        OIDCRedirectUriBuilder redirect = OIDCRedirectUriBuilder.fromUri(authSession.getRedirectUri(), mode,
                context.getSession(), null)
                .addParam(OAuth2Constants.ERROR, error)
                .addParam(OAuth2Constants.ERROR_DESCRIPTION, description);
        String state = authSession.getClientNote(OIDCLoginProtocol.STATE_PARAM);
        if (state != null) {
            redirect.addParam(OAuth2Constants.STATE, state);
        }
        if (!OIDCAdvancedConfigWrapper.fromClientModel(authSession.getClient()).isExcludeIssuerFromAuthResponse()) {
            redirect.addParam(OAuth2Constants.ISSUER, RealmIssuer.of(context.getSession(), context.getRealm()));
        }
        return redirect.build();
    }

    private static PolicyDecision decision(AuthenticationSessionModel authSession) {
        String note = authSession.getAuthNote(DECISION_NOTE);
        return note == null ? PolicyDecision.NOT_ASKED : read(note);
    }

    /** An unreadable note is a decision nobody can rely on: the login fails closed. */
    static PolicyDecision read(String note) {
        try {
            return JSON.readValue(note, PolicyDecision.class);
        } catch (IOException unreadable) {
            return PolicyDecision.unavailable("the policy decision of this login is unreadable");
        }
    }

    static String write(PolicyDecision decision) {
        try {
            return JSON.writeValueAsString(decision);
        } catch (IOException e) {
            throw new IllegalStateException("a policy decision cannot be serialized", e);
        }
    }
}
