package dev.actorbound.keycloak.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;

/**
 * How users see an app or an agent, the same on every page that names one: the consent page and the
 * "agents that act for me" page must never describe the same agent in two different ways.
 */
public final class ClientDisplay {

    private ClientDisplay() {
    }

    /** Name, client_id, description, logo and home page; links only when they are http(s), so no script URL reaches a page. */
    public static Map<String, String> of(ClientModel client) {
        Map<String, String> view = new LinkedHashMap<>();
        view.put("name", name(client));
        view.put("clientId", client.getClientId());
        putIfPresent(view, "description", client.getDescription());
        putIfPresent(view, "logo", webUrl(client.getAttribute("logoUri")));
        putIfPresent(view, "home", webUrl(client.getBaseUrl()));
        return view;
    }

    /** The client's display name, else its client_id. */
    public static String name(ClientModel client) {
        String name = client.getName();
        return name == null || name.isBlank() ? client.getClientId() : name;
    }

    /**
     * What a delegated token of this agent can carry at most for the user, by the same rule the token endpoint
     * applies ({@link DelegatedRoles}): the user's live roles (as far as {@code app} may see them, when given) ∩ the
     * agent's explicit role mappings. So the consent page shows exactly the roles the token will hold.
     */
    public static List<String> rolesHeldBy(ClientModel agentClient, UserModel user, Stream<RoleModel> appRoles) {
        Stream<RoleModel> base = appRoles != null ? appRoles : RoleUtils.getDeepUserRoleMappings(user).stream();
        return DelegatedRoles.narrow(base, List.of(agentClient), role -> true).stream()
                .map(ClientDisplay::label)
                .sorted()
                .toList();
    }

    private static String label(RoleModel role) {
        String name = role.isClientRole() ? ((ClientModel) role.getContainer()).getClientId() + ": " + role.getName() : role.getName();
        String description = role.getDescription();
        return description == null || description.isBlank() ? name : name + " – " + description;
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
            view.put(key, value);
        }
    }
}
