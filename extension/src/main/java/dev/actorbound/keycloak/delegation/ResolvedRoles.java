package dev.actorbound.keycloak.delegation;

import java.util.Collection;
import java.util.Set;

import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;

/**
 * Narrows roles <em>before</em> the protocol mappers run. Keycloak's role-reading mappers (realm and client roles,
 * {@code groups} of microprofile-jwt, audience resolution, role-name and hard-coded role mappers) all take the
 * token's roles from {@code RoleResolveUtil}, which resolves them once per request and keeps them in a session
 * attribute keyed by user session and client. Putting the narrowed set there first makes every such mapper see
 * only allowed roles. {@link DelegationSeal} checks the signed result, so should a later Keycloak stop reading this
 * entry, delegated requests are refused instead of silently widened.
 */
public final class ResolvedRoles {

    /** The attribute name RoleResolveUtil of Keycloak 26.7 reads: {@code RESOLVED_ROLES:<user session>:<client uuid>}. */
    static final String ATTRIBUTE_PREFIX = "RESOLVED_ROLES:";

    private ResolvedRoles() {
    }

    /**
     * The roles Keycloak's client-session context for {@code client} and this {@code scope} parameter holds: the
     * user's live roles as far as the client may see them. Computed the same way where Keycloak builds that context
     * itself (refresh, introspection), so that it can be narrowed before the mappers run.
     */
    public static Set<RoleModel> ofClientSession(KeycloakSession session, UserModel user, ClientModel client, String scope) {
        return TokenManager.getAccess(user, client, TokenManager.getRequestedClientScopes(session, scope, client, user));
    }

    /**
     * What a delegation's roles start from before every actor's ceiling narrows them ({@code DelegatedRoles.narrow}):
     * the roles of {@code client}'s session. Where {@code client} is itself one of the {@code actors}, the user's
     * roles alone: an agent has Full scope allowed off, so its session sees the user's roles ∩ a superset of its own
     * explicit roles, and narrowing by its ceiling leaves the same set either way, while the user's roles are far
     * cheaper to read than the client's whole scope evaluation.
     */
    public static Set<RoleModel> beforeCeilings(KeycloakSession session, UserModel user, ClientModel client, String scope,
                                                Collection<ClientModel> actors) {
        return actors.stream().anyMatch(actor -> actor.getId().equals(client.getId()))
                ? RoleUtils.getDeepUserRoleMappings(user)
                : ofClientSession(session, user, client, scope);
    }

    public static void prime(KeycloakSession session, ClientSessionContext ctx, Set<RoleModel> roles) {
        prime(session, ctx.getClientSession().getUserSession().getId(), ctx.getClientSession().getClient(), roles);
    }

    public static void prime(KeycloakSession session, String userSessionId, ClientModel client, Set<RoleModel> roles) {
        AccessToken resolved = new AccessToken();
        for (RoleModel role : roles) {
            if (role.isClientRole()) {
                ClientModel owner = (ClientModel) role.getContainer();
                AccessToken.Access access = resolved.getResourceAccess(owner.getClientId());
                if (access == null) {
                    access = resolved.addAccess(owner.getClientId());
                    if (owner.isSurrogateAuthRequired()) {
                        access.verifyCaller(true);
                    }
                }
                access.addRole(role.getName());
            } else {
                if (resolved.getRealmAccess() == null) {
                    resolved.setRealmAccess(new AccessToken.Access());
                }
                resolved.getRealmAccess().addRole(role.getName());
            }
        }
        session.setAttribute(ATTRIBUTE_PREFIX + userSessionId + ":" + client.getId(), resolved);
    }
}
