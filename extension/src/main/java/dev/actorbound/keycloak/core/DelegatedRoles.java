package dev.actorbound.keycloak.core;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.Config;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.utils.RoleUtils;

/**
 * The one rule for the roles a delegated token may carry: the roles the client's own session context holds (the
 * user's live roles as far as the app or agent may see them) ∩ every actor's <em>explicit</em> role scope mappings
 * (composites expanded) ∩ what the input token carried. Full scope allowed never widens an agent: Keycloak would read
 * it as "everything the user has", so it is ignored here and refused by {@link AgentResolver}.
 *
 * <p>Roles that administer the realm or the user's account (realm-management, account, broker, the master realm's
 * admin clients and roles) never reach a delegated token, whatever an agent is mapped to: a delegated token is not a
 * way into the Admin or Account API.
 */
public final class DelegatedRoles {

    private static final Set<String> ADMINISTRATIVE_CLIENTS = Set.of(Constants.REALM_MANAGEMENT_CLIENT_ID,
            Constants.ACCOUNT_MANAGEMENT_CLIENT_ID, Constants.BROKER_SERVICE_CLIENT_ID);
    private static final Set<String> MASTER_ADMIN_ROLES = Set.of(AdminRoles.ADMIN, AdminRoles.CREATE_REALM);

    private DelegatedRoles() {
    }

    /** What {@code agent} may ever carry for a user: its explicit scope mappings, expanded, without admin roles. */
    public static Set<RoleModel> ceiling(ClientModel agent) {
        return RoleUtils.expandCompositeRoles(agent.getScopeMappingsStream().collect(Collectors.toSet())).stream()
                .filter(role -> !administrative(role))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** {@code base} narrowed by every actor's ceiling and by {@code input} (what the token it came from carried). */
    public static Set<RoleModel> narrow(Stream<RoleModel> base, Collection<ClientModel> actors, Predicate<RoleModel> input) {
        List<Set<RoleModel>> ceilings = actors.stream().map(DelegatedRoles::ceiling).toList();
        return base.filter(role -> !administrative(role))
                .filter(role -> ceilings.stream().allMatch(ceiling -> ceiling.contains(role)))
                .filter(input)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Asked for every role of every delegated request: the name checks come first, the server's config read last. */
    static boolean administrative(RoleModel role) {
        if (role.isClientRole()) {
            ClientModel owner = (ClientModel) role.getContainer();
            return ADMINISTRATIVE_CLIENTS.contains(owner.getClientId()) || isMasterAdminClient(owner);
        }
        RealmModel realm = (RealmModel) role.getContainer();
        return MASTER_ADMIN_ROLES.contains(role.getName()) && Config.getAdminRealm().equals(realm.getName());
    }

    /** The master realm holds one client per realm, {@code <realm>-realm}, whose roles administer that realm. */
    private static boolean isMasterAdminClient(ClientModel client) {
        return client.getClientId().endsWith("-realm") && Config.getAdminRealm().equals(client.getRealm().getName());
    }
}
