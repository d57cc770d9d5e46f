package dev.actorbound.keycloak.consent;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.agent.AgentResolver;
import dev.actorbound.keycloak.agent.ClientDisplay;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.TokenManager;

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
                .setAttribute("actorboundRoles", ClientDisplay.rolesHeldBy(agent.client(), context.getUser(), appRoles(context)))
                .setAttribute("actorboundScopes", List.copyOf(new TreeSet<>(request.scopes())))
                .setAttribute("actorboundLifetimeMinutes", Math.max(1, (lifetime + 59) / 60))
                .setAttribute("actorboundDelegates", delegates(context, agent))
                .createForm(TEMPLATE);
    }

    /** The roles the app's tokens would hold for this user and request: what a delegated token is narrowed from. */
    private static Stream<RoleModel> appRoles(RequiredActionContext context) {
        ClientModel app = context.getAuthenticationSession().getClient();
        return TokenManager.getAccess(context.getUser(), app,
                context.getAuthenticationSession().getClientScopes().stream()
                        .map(id -> KeycloakModelUtils.findClientScopeById(context.getRealm(), app, id))
                        .filter(Objects::nonNull)).stream();
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
