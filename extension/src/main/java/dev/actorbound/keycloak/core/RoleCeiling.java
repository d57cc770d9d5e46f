package dev.actorbound.keycloak.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.representations.AccessToken;

/** The roles a subject token carried: a new token made from it may hold these at most, never more. */
public record RoleCeiling(Set<String> realmRoles, Map<String, Set<String>> clientRoles) {

    public static RoleCeiling of(AccessToken token) {
        Set<String> realm = token.getRealmAccess() == null || token.getRealmAccess().getRoles() == null
                ? Set.of() : Set.copyOf(token.getRealmAccess().getRoles());
        Map<String, Set<String>> clients = new HashMap<>();
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().forEach((client, access) -> clients.put(client,
                    access.getRoles() == null ? Set.of() : Set.copyOf(access.getRoles())));
        }
        return new RoleCeiling(realm, Map.copyOf(clients));
    }

    /** Whether the subject token carried {@code role}. */
    public boolean allows(RoleModel role) {
        if (role.isClientRole()) {
            return clientRoles.getOrDefault(((ClientModel) role.getContainer()).getClientId(), Set.of()).contains(role.getName());
        }
        return realmRoles.contains(role.getName());
    }
}
