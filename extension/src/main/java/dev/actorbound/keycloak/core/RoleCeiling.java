package dev.actorbound.keycloak.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.protocol.oidc.encode.AccessTokenContext;
import org.keycloak.protocol.oidc.encode.TokenContextEncoderProvider;
import org.keycloak.representations.AccessToken;

/**
 * The roles a token carries: a new token or an answer made from it may hold these at most, never more. A full token
 * carries them in {@code realm_access} and {@code resource_access}. A lightweight access token leaves those out, so
 * a delegated one carries the roles it was granted in {@link #CLAIM} instead: without it, whatever rebuilds its roles
 * later (introspection, the next exchange hop) could only recompute them on live state, and a role the policy engine
 * dropped at issuance would come back. A lightweight token without the claim carries no roles.
 */
public record RoleCeiling(Set<String> realmRoles, Map<String, Set<String>> clientRoles) {

    /** {@code {"realm": ["reader"], "clients": {"booking-api": ["book"]}}}; written only by Actorbound, after the mappers. */
    public static final String CLAIM = "actorbound_roles";
    private static final String REALM = "realm";
    private static final String CLIENTS = "clients";

    public RoleCeiling {
        realmRoles = Set.copyOf(realmRoles);
        clientRoles = Map.copyOf(clientRoles);
    }

    /** What {@code token} carries, read from where a token of its kind carries it. */
    public static RoleCeiling of(KeycloakSession session, AccessToken token) {
        return isLightweight(session, token) ? fromClaim(token.getOtherClaims().get(CLAIM)) : ofFullToken(token);
    }

    /** What {@code roles} would be as the content of a token. */
    public static RoleCeiling ofRoles(Set<RoleModel> roles) {
        Set<String> realm = new TreeSet<>();
        Map<String, Set<String>> clients = new TreeMap<>();
        for (RoleModel role : roles) {
            if (role.isClientRole()) {
                clients.computeIfAbsent(((ClientModel) role.getContainer()).getClientId(), c -> new TreeSet<>()).add(role.getName());
            } else {
                realm.add(role.getName());
            }
        }
        return new RoleCeiling(realm, clients);
    }

    /** A lightweight access token names no roles in Keycloak's own claims. */
    public static boolean isLightweight(KeycloakSession session, AccessToken token) {
        return token.getId() != null && AccessTokenContext.TokenType.LIGHTWEIGHT.equals(
                session.getProvider(TokenContextEncoderProvider.class).getTokenContextFromTokenId(token.getId()).getTokenType());
    }

    /** What a token that is not lightweight carries: Keycloak's own role claims. */
    public static RoleCeiling ofFullToken(AccessToken token) {
        Set<String> realm = token.getRealmAccess() == null || token.getRealmAccess().getRoles() == null
                ? Set.of() : token.getRealmAccess().getRoles();
        Map<String, Set<String>> clients = new HashMap<>();
        if (token.getResourceAccess() != null) {
            token.getResourceAccess().forEach((client, access) -> clients.put(client,
                    access.getRoles() == null ? Set.of() : Set.copyOf(access.getRoles())));
        }
        return new RoleCeiling(realm, clients);
    }

    /** Reads the shape {@link #toClaim()} writes; whatever is not of that shape counts as no role. */
    static RoleCeiling fromClaim(Object claim) {
        if (!(claim instanceof Map<?, ?> map)) {
            return new RoleCeiling(Set.of(), Map.of());
        }
        Map<String, Set<String>> clients = new HashMap<>();
        if (map.get(CLIENTS) instanceof Map<?, ?> byClient) {
            byClient.forEach((client, names) -> {
                if (client instanceof String id) {
                    clients.put(id, strings(names));
                }
            });
        }
        return new RoleCeiling(strings(map.get(REALM)), clients);
    }

    private static Set<String> strings(Object value) {
        Set<String> names = new TreeSet<>();
        if (value instanceof List<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(names::add);
        }
        return names;
    }

    /** Whether the token carried {@code role}. */
    public boolean allows(RoleModel role) {
        if (role.isClientRole()) {
            return clientRoles.getOrDefault(((ClientModel) role.getContainer()).getClientId(), Set.of()).contains(role.getName());
        }
        return realmRoles.contains(role.getName());
    }

    /** Realm roles by name and client roles as {@code client:role}, sorted: how events and the audit log name them. */
    public Set<String> labels() {
        Set<String> labels = new TreeSet<>(realmRoles);
        clientRoles.forEach((client, names) -> names.forEach(name -> labels.add(client + ":" + name)));
        return labels;
    }

    /** The value of {@link #CLAIM}: lists, sorted, so that the same roles always read the same. */
    public Map<String, Object> toClaim() {
        Map<String, Object> clients = new TreeMap<>();
        clientRoles.forEach((client, names) -> clients.put(client, List.copyOf(new TreeSet<>(names))));
        return new TreeMap<>(Map.of(REALM, List.copyOf(new TreeSet<>(realmRoles)), CLIENTS, clients));
    }
}
