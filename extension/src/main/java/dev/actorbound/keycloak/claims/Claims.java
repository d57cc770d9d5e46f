package dev.actorbound.keycloak.claims;

import java.util.Set;
import java.util.TreeSet;

import org.keycloak.representations.AccessToken;

/** Reads what a token carries the way events and the audit log name it. */
public final class Claims {

    private Claims() {
    }

    /** Realm roles by name and client roles as {@code client:role}, sorted. */
    public static Set<String> roleLabels(AccessToken token) {
        Set<String> roles = new TreeSet<>();
        if (token.getRealmAccess() != null && token.getRealmAccess().getRoles() != null) {
            roles.addAll(token.getRealmAccess().getRoles());
        }
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().forEach((clientId, access) -> {
                if (access.getRoles() != null) {
                    access.getRoles().forEach(role -> roles.add(clientId + ":" + role));
                }
            });
        }
        return roles;
    }
}
