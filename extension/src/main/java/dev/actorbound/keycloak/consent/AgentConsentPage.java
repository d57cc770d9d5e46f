package dev.actorbound.keycloak.consent;

import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.ConsentScopes;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.ClientDisplay;
import dev.actorbound.keycloak.policy.ConsentPolicy;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.models.ClientScopeModel;

/** Builds the consent page: who the app is, who the agent is, and what the agent will really be able to do. */
final class AgentConsentPage {

    static final String TEMPLATE = "agent-consent.ftl";
    /** {@code openid} is not a client scope, so it has no consent text of its own in Keycloak. */
    private static final String OPENID_TEXT = "${actorbound-consent-scope-openid}";

    private AgentConsentPage() {
    }

    static Response render(RequiredActionContext context, DelegationRequest request, Agent agent, ActorboundOptions options) {
        ClientModel app = context.getAuthenticationSession().getClient();
        int lifetime = options.lifetimeFor(agent.settings());
        return context.form()
                .setAttribute("actorboundApp", ClientDisplay.of(app))
                .setAttribute("actorboundAgent", ClientDisplay.of(agent.client()))
                .setAttribute("actorboundRoles",
                        ClientDisplay.rolesHeldBy(agent.client(), context.getUser(), appRoles(context, request.scopes())
                                .filter(ConsentPolicy.keepsRole(context.getAuthenticationSession()))))
                .setAttribute("actorboundScopes", describedScopes(request.scopes()))
                .setAttribute("actorboundTechnicalScopes", technicalScopes(request.scopes()))
                .setAttribute("actorboundLifetimeMinutes", Math.max(1, (lifetime + 59) / 60))
                .setAttribute("actorboundDelegates", delegates(context, agent, options))
                .createForm(TEMPLATE);
    }

    /** The roles the app's tokens would hold for this user and request: what a delegated token is narrowed from. */
    static Stream<RoleModel> appRoles(RequiredActionContext context, ConsentScopes scopes) {
        return TokenManager.getAccess(context.getUser(), context.getAuthenticationSession().getClient(),
                scopes.clientScopes().stream()).stream();
    }

    /**
     * The scopes the user can read about, each with its consent text as Keycloak's own consent page shows it: the
     * text may be a {@code ${key}} of the theme's messages, which the template resolves with {@code advancedMsg}.
     */
    private static List<Map<String, String>> describedScopes(ConsentScopes scopes) {
        List<Map<String, String>> described = new ArrayList<>();
        if (scopes.openid()) {
            described.add(Map.of("name", OAuth2Constants.SCOPE_OPENID, "text", OPENID_TEXT));
        }
        scopes.clientScopes().stream().filter(ClientScopeModel::isDisplayOnConsentScreen)
                .forEach(scope -> described.add(Map.of("name", scope.getName(), "text", scope.getConsentScreenText())));
        return described;
    }

    /**
     * Scopes an admin keeps off Keycloak's consent page ("Display on consent screen" off, e.g. acr, basic,
     * web-origins). The token carries them all the same, so they are named, by name, below the described ones.
     */
    private static List<String> technicalScopes(ConsentScopes scopes) {
        return scopes.clientScopes().stream().filter(scope -> !scope.isDisplayOnConsentScreen())
                .map(ClientScopeModel::getName).toList();
    }

    /** Every agent the chain may hand work to, not only the direct delegates: the user consents to all of them. */
    private static List<String> delegates(RequiredActionContext context, Agent agent, ActorboundOptions options) {
        int depth = Math.min(options.maxChainDepth(), agent.settings().maxChainDepth().orElse(options.maxChainDepth()));
        return new AgentResolver(context.getSession(), context.getRealm()).reachableDelegates(agent, depth).stream()
                .map(Agent::displayName)
                .toList();
    }
}
