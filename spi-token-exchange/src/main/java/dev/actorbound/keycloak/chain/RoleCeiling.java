package dev.actorbound.keycloak.chain;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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

    public void applyTo(AccessToken token) {
        if (token.getRealmAccess() != null && token.getRealmAccess().getRoles() != null) {
            token.getRealmAccess().getRoles().retainAll(realmRoles);
        }
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().forEach((client, access) -> {
                if (access.getRoles() != null) {
                    access.getRoles().retainAll(clientRoles.getOrDefault(client, Set.of()));
                }
            });
        }
    }
}
