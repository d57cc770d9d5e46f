package dev.actorbound.keycloak.core;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrderedModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * What a delegated token of the app will carry, which is what the consent page shows and what a consent records:
 * every client scope Keycloak adds to the request (the app's default client scopes always, its optional ones when
 * the {@code scope} parameter names them) and {@code openid} when asked for. The {@code scope} parameter alone
 * would hide the default scopes. Keycloak counts the app itself among the client scopes; the page names the app
 * already, so that entry is left out.
 */
public final class ConsentScopes {

    /** Keycloak's consent page order: the admin's "Display order", then the name. */
    private static final Comparator<ClientScopeModel> PAGE_ORDER =
            OrderedModel.OrderedModelComparator.<ClientScopeModel>getInstance().thenComparing(ClientScopeModel::getName);

    private final List<ClientScopeModel> clientScopes;
    private final boolean openid;

    private ConsentScopes(List<ClientScopeModel> clientScopes, boolean openid) {
        this.clientScopes = clientScopes;
        this.openid = openid;
    }

    /** The scopes Keycloak settled for this login; it sets them once the user is authenticated, before any action. */
    public static ConsentScopes of(AuthenticationSessionModel authSession) {
        ClientModel app = authSession.getClient();
        RealmModel realm = authSession.getRealm();
        return of(authSession.getClientScopes().stream().map(id -> KeycloakModelUtils.findClientScopeById(realm, app, id)),
                app, authSession.getClientNote(OIDCLoginProtocol.SCOPE_PARAM));
    }

    /** The scopes a login with this {@code scope} parameter would settle, computed the way Keycloak computes them. */
    public static ConsentScopes requested(KeycloakSession session, ClientModel app, UserModel user, String scopeParameter) {
        return of(TokenManager.getRequestedClientScopes(session, scopeParameter, app, user), app, scopeParameter);
    }

    private static ConsentScopes of(Stream<ClientScopeModel> scopes, ClientModel app, String scopeParameter) {
        List<ClientScopeModel> clientScopes = scopes.filter(Objects::nonNull)
                .filter(scope -> !app.getId().equals(scope.getId()))
                .sorted(PAGE_ORDER)
                .toList();
        return new ConsentScopes(clientScopes, AgentConsent.scopesOf(scopeParameter).contains(OAuth2Constants.SCOPE_OPENID));
    }

    /** These scopes without the named ones (what the realm's policy dropped). */
    public ConsentScopes without(Set<String> names) {
        return names.isEmpty() ? this : new ConsentScopes(clientScopes.stream().filter(scope -> !names.contains(scope.getName())).toList(),
                openid && !names.contains(OAuth2Constants.SCOPE_OPENID));
    }

    /** The client scopes, in the order the page lists them. */
    public List<ClientScopeModel> clientScopes() {
        return clientScopes;
    }

    public boolean openid() {
        return openid;
    }

    /** The names a consent records and compares: the client scopes' names, and {@code openid} when asked for. */
    public Set<String> names() {
        Stream<String> openidScope = openid ? Stream.of(OAuth2Constants.SCOPE_OPENID) : Stream.empty();
        return Stream.concat(openidScope, clientScopes.stream().map(ClientScopeModel::getName))
                .collect(Collectors.toUnmodifiableSet());
    }
}
