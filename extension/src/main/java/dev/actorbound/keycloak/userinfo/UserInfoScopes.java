package dev.actorbound.keycloak.userinfo;

import java.util.List;
import java.util.Set;

import dev.actorbound.keycloak.core.AgentConsent;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.representations.AccessToken;

/**
 * The scopes userinfo would answer for that a delegated token does not hold. Userinfo builds its claims from the
 * client's default scopes plus the optional ones the token's {@code scope} names, so a default scope that a
 * delegation dropped (the realm's policy, or an exchange narrowed to fewer scopes) comes back there. Only scopes
 * that show in {@code scope} can be told apart; those that never do (roles, basic, acr, web-origins) carry no user
 * attribute of their own.
 */
public final class UserInfoScopes {

    private UserInfoScopes() {
    }

    /** What the client reads when userinfo refuses such a token ({@code insufficient_scope}). */
    public static String refusal(List<String> scopes) {
        return "userinfo would show the scope " + String.join(" ", scopes) + ", which this delegated token does not hold";
    }

    /** The default scopes of {@code client} that would add userinfo claims and that {@code token}'s scope lacks, sorted. */
    static List<String> beyond(AccessToken token, ClientModel client) {
        Set<String> held = AgentConsent.scopesOf(token.getScope());
        return client.getClientScopes(true).values().stream()
                .filter(ClientScopeModel::isIncludeInTokenScope)
                .filter(scope -> !held.contains(scope.getName()))
                .filter(scope -> scope.getProtocolMappersStream().anyMatch(OIDCAttributeMapperHelper::includeInUserInfo))
                .map(ClientScopeModel::getName)
                .sorted()
                .toList();
    }
}
