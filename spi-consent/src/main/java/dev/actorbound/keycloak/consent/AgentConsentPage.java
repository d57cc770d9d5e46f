package dev.actorbound.keycloak.consent;

import java.util.List;
import java.util.TreeSet;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.agent.AgentResolver;
import dev.actorbound.keycloak.agent.ClientDisplay;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.models.ClientModel;

/** Builds the consent page: who the app is, who the agent is, and what the agent will really be able to do. */
final class AgentConsentPage {

    static final String TEMPLATE = "agent-consent.ftl";

    private AgentConsentPage() {
    }

    static Response render(RequiredActionContext context, DelegationRequest request, Agent agent, ActorboundOptions options) {
        ClientModel app = context.getAuthenticationSession().getClient();
        int lifetime = options.lifetimeFor(agent.settings());
        return context.form()
                .setAttribute("actorboundApp", ClientDisplay.of(app))
                .setAttribute("actorboundAgent", ClientDisplay.of(agent.client()))
                .setAttribute("actorboundRoles", ClientDisplay.rolesHeldBy(agent.client(), context.getUser()))
                .setAttribute("actorboundScopes", List.copyOf(new TreeSet<>(request.scopes())))
                .setAttribute("actorboundLifetimeMinutes", Math.max(1, (lifetime + 59) / 60))
                .setAttribute("actorboundDelegates", delegates(context, agent))
                .createForm(TEMPLATE);
    }

    private static List<String> delegates(RequiredActionContext context, Agent agent) {
        AgentResolver resolver = new AgentResolver(context.getSession(), context.getRealm());
        return agent.settings().delegates().stream()
                .map(resolver::byClientId)
                .flatMap(java.util.Optional::stream)
                .map(Agent::displayName)
                .toList();
    }
}
