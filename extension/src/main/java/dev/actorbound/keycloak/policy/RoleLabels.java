package dev.actorbound.keycloak.policy;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;

/** How the PDP, events and the audit log name a role: realm roles by name, client roles as {@code client_id:role}. */
public final class RoleLabels {

    private RoleLabels() {
    }

    public static String of(RoleModel role) {
        return role.isClientRole() ? ((ClientModel) role.getContainer()).getClientId() + ":" + role.getName() : role.getName();
    }
}
