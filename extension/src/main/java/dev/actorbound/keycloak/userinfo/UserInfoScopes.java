package dev.actorbound.keycloak.userinfo;

import java.util.List;

import dev.actorbound.keycloak.core.TokenScopes;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.representations.AccessToken;

/**
 * The scopes userinfo would answer for that a delegated token does not hold ({@link TokenScopes}). Userinfo builds
 * its context itself and offers no hook to narrow it, so such a token is refused rather than answered.
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
        return TokenScopes.defaultsNotHeld(token, client)
                .filter(scope -> scope.getProtocolMappersStream().anyMatch(OIDCAttributeMapperHelper::includeInUserInfo))
                .map(ClientScopeModel::getName)
                .sorted()
                .toList();
    }
}
