package dev.actorbound.keycloak.core;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RoleModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.rar.AuthorizationRequestContext;

/**
 * A client-session context without the client scopes a delegation does not hold: the policy dropped them, or the
 * token's {@code scope} never named them. Mappers then neither name them in {@code scope} nor run for them. Keycloak
 * builds every context from a {@code scope} string (the code grant's, the refresh's, introspection's), which always
 * adds the client's default scopes, so a default scope can only be taken away here. Attributes stay shared with the
 * original context (nonce, delegation, audience).
 */
public final class ScopeNarrowedContext implements ClientSessionContext {

    private final ClientSessionContext original;
    private final Set<String> dropped;

    private ScopeNarrowedContext(ClientSessionContext original, Set<String> dropped) {
        this.original = original;
        this.dropped = Set.copyOf(dropped);
    }

    /** {@code original} itself when nothing was dropped. */
    public static ClientSessionContext without(ClientSessionContext original, Set<String> droppedScopes) {
        return droppedScopes.isEmpty() ? original : new ScopeNarrowedContext(original, droppedScopes);
    }

    /** The app's own dedicated scope is a ClientModel and never a candidate, so it always stays. */
    private boolean kept(ClientScopeModel scope) {
        return scope instanceof ClientModel || !dropped.contains(scope.getName());
    }

    @Override
    public AuthenticatedClientSessionModel getClientSession() {
        return original.getClientSession();
    }

    @Override
    public Set<String> getClientScopeIds() {
        Set<String> droppedIds = original.getClientScopesStream().filter(scope -> !kept(scope))
                .map(ClientScopeModel::getId).collect(Collectors.toSet());
        return original.getClientScopeIds().stream().filter(id -> !droppedIds.contains(id)).collect(Collectors.toSet());
    }

    @Override
    public Stream<ClientScopeModel> getClientScopesStream() {
        return original.getClientScopesStream().filter(this::kept);
    }

    @Override
    public boolean isOfflineTokenRequested() {
        return original.isOfflineTokenRequested() && !dropped.contains(OAuth2Constants.OFFLINE_ACCESS);
    }

    /** Computed the way Keycloak computes it, from the remaining scopes; mappers see the roles the grant primed anyway. */
    @Override
    public Stream<RoleModel> getRolesStream() {
        AuthenticatedClientSessionModel clientSession = getClientSession();
        return TokenManager.getAccess(clientSession.getUserSession().getUser(), clientSession.getClient(),
                getClientScopesStream()).stream();
    }

    @Override
    public Stream<ProtocolMapperModel> getProtocolMappersStream() {
        Set<String> droppedMappers = original.getClientScopesStream().filter(scope -> !kept(scope))
                .flatMap(ClientScopeModel::getProtocolMappersStream).map(ProtocolMapperModel::getId)
                .collect(Collectors.toSet());
        return original.getProtocolMappersStream().filter(mapper -> !droppedMappers.contains(mapper.getId()));
    }

    @Override
    public String getScopeString() {
        return narrowed(original.getScopeString());
    }

    @Override
    public String getScopeString(boolean ignoreIncludeInTokenScope) {
        return narrowed(original.getScopeString(ignoreIncludeInTokenScope));
    }

    private String narrowed(String scope) {
        return scope == null ? null : Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty() && !dropped.contains(s))
                .collect(Collectors.joining(" "));
    }

    @Override
    public void setAttribute(String name, Object value) {
        original.setAttribute(name, value);
    }

    @Override
    public <T> T getAttribute(String attribute, Class<T> clazz) {
        return original.getAttribute(attribute, clazz);
    }

    @Override
    public AuthorizationRequestContext getAuthorizationRequestContext() {
        return original.getAuthorizationRequestContext();
    }
}
