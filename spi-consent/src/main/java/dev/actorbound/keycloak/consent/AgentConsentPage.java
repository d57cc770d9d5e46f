package dev.actorbound.keycloak.consent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import dev.actorbound.keycloak.agent.Agent;
import dev.actorbound.keycloak.agent.AgentResolver;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/** Builds the consent page: who the app is, who the agent is, and what the agent will really be able to do. */
final class AgentConsentPage {

    static final String TEMPLATE = "agent-consent.ftl";

    private AgentConsentPage() {
    }

    static Response render(RequiredActionContext context, DelegationRequest request, Agent agent, int defaultLifetime) {
        ClientModel app = context.getAuthenticationSession().getClient();
        int lifetime = agent.settings().tokenLifespan().orElse(defaultLifetime);
        return context.form()
                .setAttribute("actorboundApp", party(app))
                .setAttribute("actorboundAgent", party(agent.client()))
                .setAttribute("actorboundRoles", grantedRoles(agent.client(), context.getUser()))
                .setAttribute("actorboundScopes", List.copyOf(new TreeSet<>(request.scopes())))
                .setAttribute("actorboundLifetimeMinutes", Math.max(1, (lifetime + 59) / 60))
                .setAttribute("actorboundDelegates", delegates(context, agent))
                .createForm(TEMPLATE);
    }

    /** Name, description, logo and home page; links only when they are http(s), so no script URL reaches the page. */
    private static Map<String, String> party(ClientModel client) {
        Map<String, String> view = new LinkedHashMap<>();
        String name = client.getName();
        view.put("name", name == null || name.isBlank() ? client.getClientId() : name);
        view.put("clientId", client.getClientId());
        putIfPresent(view, "description", client.getDescription());
        putIfPresent(view, "logo", webUrl(client.getAttribute("logoUri")));
        putIfPresent(view, "home", webUrl(client.getBaseUrl()));
        return view;
    }

    /** The agent's configured roles that the user holds now: what delegated tokens can carry at most. */
    private static List<String> grantedRoles(ClientModel agentClient, UserModel user) {
        return agentClient.getScopeMappingsStream()
                .filter(user::hasRole)
                .map(AgentConsentPage::label)
                .sorted()
                .toList();
    }

    private static String label(RoleModel role) {
        String description = role.getDescription();
        return description == null || description.isBlank() ? role.getName() : role.getName() + " – " + description;
    }

    private static List<String> delegates(RequiredActionContext context, Agent agent) {
        AgentResolver resolver = new AgentResolver(context.getSession(), context.getRealm());
        return agent.settings().delegates().stream()
                .map(resolver::byClientId)
                .flatMap(java.util.Optional::stream)
                .map(Agent::displayName)
                .toList();
    }

    private static String webUrl(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.startsWith("https://") || trimmed.startsWith("http://") ? trimmed : null;
    }

    private static void putIfPresent(Map<String, String> view, String key, String value) {
        if (value != null && !value.isBlank()) {
            view.put(key, Objects.requireNonNull(value));
        }
    }
}
