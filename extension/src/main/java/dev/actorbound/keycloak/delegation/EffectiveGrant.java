package dev.actorbound.keycloak.delegation;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;

/**
 * What one delegated token may carry at most: the roles of agent ∩ user ∩ input token, and the client-scope names
 * of consent ∩ input token. Decided once per request, before protocol mappers run, and checked once more on the
 * signed result ({@link DelegationSeal}).
 */
public record EffectiveGrant(Set<RoleModel> roles, Set<String> scopes) {

    public EffectiveGrant {
        roles = Set.copyOf(roles);
        scopes = Set.copyOf(scopes);
    }

    public boolean allowsRealmRole(String name) {
        return roles.stream().anyMatch(role -> !role.isClientRole() && role.getName().equals(name));
    }

    public boolean allowsClientRole(String clientId, String name) {
        return roles.stream().anyMatch(role -> role.isClientRole() && role.getName().equals(name)
                && ((ClientModel) role.getContainer()).getClientId().equals(clientId));
    }

    /** The clients whose roles the token may carry: the audiences those roles justify. */
    public Set<String> roleOwners() {
        return roles.stream().filter(RoleModel::isClientRole)
                .map(role -> ((ClientModel) role.getContainer()).getClientId())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Realm roles by name, client roles as {@code client:role}, sorted: how events and the audit log name them. */
    public Set<String> labels() {
        return roles.stream().map(role -> role.isClientRole()
                        ? ((ClientModel) role.getContainer()).getClientId() + ":" + role.getName() : role.getName())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
