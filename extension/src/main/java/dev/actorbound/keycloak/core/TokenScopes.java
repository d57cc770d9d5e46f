package dev.actorbound.keycloak.core;

import java.util.Set;
import java.util.stream.Stream;

import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.representations.AccessToken;

/**
 * The rule every answer built from a delegated token follows: it carries no claim of a client scope the token does
 * not hold. Keycloak rebuilds claims for a token (userinfo, introspection) from the client's default scopes plus the
 * optional ones its {@code scope} names, so a default scope that the delegation dropped (the realm's policy, or an
 * exchange narrowed to fewer scopes) comes back there unless it is taken away. Only scopes that show in {@code scope}
 * can be told apart; those that never do (roles, basic, acr, web-origins) carry no user attribute of their own.
 */
public final class TokenScopes {

    private TokenScopes() {
    }

    /** The default scopes of {@code client} that show in {@code scope} and that {@code token}'s scope lacks. */
    public static Stream<ClientScopeModel> defaultsNotHeld(AccessToken token, ClientModel client) {
        Set<String> held = AgentConsent.scopesOf(token.getScope());
        return client.getClientScopes(true).values().stream()
                .filter(ClientScopeModel::isIncludeInTokenScope)
                .filter(scope -> !held.contains(scope.getName()));
    }
}
