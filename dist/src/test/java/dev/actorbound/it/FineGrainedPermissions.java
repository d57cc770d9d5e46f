package dev.actorbound.it;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keycloak's fine-grained admin permissions (version 2, on by default in 26.x) of one test realm: turned on for the
 * realm, then permissions on the realm's {@code admin-permissions} client, as the console's Permissions tab writes them.
 */
final class FineGrainedPermissions {

    private final TestRealm realm;
    private final String permissionsClient;

    private FineGrainedPermissions(TestRealm realm, String permissionsClient) {
        this.realm = realm;
        this.permissionsClient = permissionsClient;
    }

    /** Turns admin permissions on for the realm, which creates its {@code admin-permissions} client. */
    static FineGrainedPermissions enable(TestRealm realm) {
        String path = "/realms/" + realm.name();
        ObjectNode representation = (ObjectNode) realm.admin().get(path).expectOk("read realm").body();
        realm.admin().put(path, representation.put("adminPermissionsEnabled", true)).expectOk("enable admin permissions");
        return new FineGrainedPermissions(realm, realm.admin().clientUuid(realm.name(), "admin-permissions"));
    }

    /** Lets the user view and manage one client, and no other. */
    FineGrainedPermissions allowToManageClient(String userId, String clientId) {
        String policy = "only " + userId;
        realm.admin().post(server() + "/policy/user", Map.of("name", policy, "users", List.of(userId), "logic", "POSITIVE"))
                .expectOk("user policy");
        realm.admin().post(server() + "/permission/scope", Map.of("name", "manage " + clientId + " for " + userId,
                "resourceType", "Clients", "resources", List.of(realm.admin().clientUuid(realm.name(), clientId)),
                "scopes", List.of("view", "manage"), "policies", List.of(policy))).expectOk("client permission");
        return this;
    }

    private String server() {
        return "/realms/" + realm.name() + "/clients/" + permissionsClient + "/authz/resource-server";
    }
}
