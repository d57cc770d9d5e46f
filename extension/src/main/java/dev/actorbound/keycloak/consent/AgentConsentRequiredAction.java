package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.ConsentScopes;
import dev.actorbound.keycloak.core.ConsentStore;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.TreeSet;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.DelegatedRoles;
import dev.actorbound.keycloak.policy.ConsentPolicy;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserConsentModel;
import org.keycloak.models.UserProvider;

/**
 * The consent step of the actor-bound code flow. It runs on every login (evaluateTriggers) and, when the
 * request names an agent, either finds a stored consent covering the request or shows a page that names the
 * agent. Either way the code is bound to the agent before Keycloak issues it.
 */
public final class AgentConsentRequiredAction implements RequiredActionProvider {

    private final ConsentStore consents;
    private final ActorboundOptions options;

    AgentConsentRequiredAction(ConsentStore consents, ActorboundOptions options) {
        this.consents = consents;
        this.options = options;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        Optional<DelegationRequest> request = DelegationRequest.of(context.getSession(), context.getAuthenticationSession());
        if (request.isEmpty()) {
            return;
        }
        Optional<Agent> agent = request.get().agent();
        // The same builder later records the LOGIN event: a login with an agent says so in the Events tab.
        agent.ifPresent(a -> context.getEvent().detail(AuditDetails.ACTOR, a.clientId()).detail(AuditDetails.ACTOR_SUB, a.serviceAccountId()));
        if (agent.isPresent() && request.get().answeredInThisLogin(agent.get())) {
            ConsentPolicy.describe(context);
            return;
        }
        // The realm's policy decides first: a delegation it refuses reaches neither a stored consent nor the page.
        if (agent.isPresent() && !admittedByPolicy(context, agent.get())) {
            context.getAuthenticationSession().addRequiredAction(AgentConsentRequiredActionFactory.PROVIDER_ID);
            return;
        }
        if (agent.isPresent() && !request.get().forcesConsent() && coveredByStoredConsent(context, request.get(), agent.get())) {
            request.get().bind(context.getSession(), agent.get());
            return;
        }
        // No covering consent, or the agent vanished mid-login: the challenge decides, the code is never unbound.
        context.getAuthenticationSession().addRequiredAction(AgentConsentRequiredActionFactory.PROVIDER_ID);
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        DelegationRequest request = DelegationRequest.of(context.getSession(), context.getAuthenticationSession()).orElse(null);
        if (request == null) {
            context.success();
            return;
        }
        if (request.agent().isEmpty()) {
            context.challenge(context.form().setError("actorbound-agent-unavailable")
                    .createErrorPage(Response.Status.BAD_REQUEST));
            return;
        }
        Response refusal = ConsentPolicy.refusal(context);
        context.challenge(refusal != null ? refusal : AgentConsentPage.render(context, request, request.agent().get(), options));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        DelegationRequest request = DelegationRequest.of(context.getSession(), context.getAuthenticationSession()).orElse(null);
        if (request == null) {
            context.success();
            return;
        }
        if (request.agent().isEmpty() || ConsentPolicy.refuses(context.getAuthenticationSession())) {
            requiredActionChallenge(context);
            return;
        }
        Agent agent = request.agent().get();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        EventBuilder event = consentEvent(context, agent, request);
        if (form.containsKey("accept")) {
            consents.grant(context.getRealm(), context.getUser(), request.appUuid(), agent.clientUuid(), request.scopes().names());
            coverAppConsent(context, request.scopes());
            request.bind(context.getSession(), agent);
            request.markAnswered(agent);
            event.success();
            context.success();
        } else {
            event.detail(Details.REASON, "the user denied the agent").error(Errors.CONSENT_DENIED);
            context.failure();
        }
    }

    /**
     * The agent page already showed the app and every client scope of the request; when the app also has Keycloak's
     * own "Consent required", those scopes, and only those, are recorded there too, so Keycloak does not ask the same
     * question again on its own page.
     */
    private static void coverAppConsent(RequiredActionContext context, ConsentScopes shown) {
        ClientModel app = context.getAuthenticationSession().getClient();
        if (!app.isConsentRequired()) {
            return;
        }
        RealmModel realm = context.getRealm();
        UserProvider users = context.getSession().users();
        UserConsentModel consent = users.getConsentByClient(realm, context.getUser().getId(), app.getId());
        boolean isNew = consent == null;
        if (isNew) {
            consent = new UserConsentModel(app);
        }
        for (ClientScopeModel scope : shown.clientScopes()) {
            consent.addGrantedClientScope(scope);
        }
        if (isNew) {
            users.addConsent(realm, context.getUser().getId(), consent);
        } else {
            users.updateConsent(realm, context.getUser().getId(), consent);
        }
    }

    /** The candidates are what the page would show without a policy: the app's roles for this login ∩ the agent's. */
    private static boolean admittedByPolicy(RequiredActionContext context, Agent agent) {
        ConsentScopes scopes = ConsentScopes.of(context.getAuthenticationSession());
        Supplier<Set<RoleModel>> roles = () -> DelegatedRoles.narrow(AgentConsentPage.appRoles(context, scopes),
                List.of(agent.client()), role -> true);
        return ConsentPolicy.admits(context, agent, roles, scopes.names());
    }

    private boolean coveredByStoredConsent(RequiredActionContext context, DelegationRequest request, Agent agent) {
        return consents.covers(context.getRealm(), context.getUser(), request.appUuid(), agent.clientUuid(), request.scopes().names());
    }

    private static EventBuilder consentEvent(RequiredActionContext context, Agent agent, DelegationRequest request) {
        ClientModel app = context.getAuthenticationSession().getClient();
        return context.getEvent().clone().event(EventType.GRANT_CONSENT)
                .client(app)
                .user(context.getUser())
                .detail(AuditDetails.ACTOR, agent.clientId())
                .detail(AuditDetails.ACTOR_SUB, agent.serviceAccountId())
                .detail(Details.SCOPE, String.join(" ", new TreeSet<>(request.scopes().names())));
    }

    @Override
    public void close() {
    }
}
