package dev.actorbound.resourceserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads claims out of a JSON-shaped map, whoever parsed it: Nimbus (numbers), an introspection answer, or Spring
 * Security's {@code Jwt} (which turns times into {@code Instant} and {@code aud} into a collection). A claim of the
 * wrong shape is malformed, never silently read as absent where that would widen what the token allows.
 */
final class Claims {

    private Claims() {
    }

    static String string(Map<String, ?> claims, String name) throws Refusal {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        // Spring Security turns iss into a URL
        if (value instanceof java.net.URL || value instanceof java.net.URI) {
            return value.toString();
        }
        throw malformed(name);
    }

    static Instant time(Map<String, ?> claims, String name) throws Refusal {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof Number number) {
            return Instant.ofEpochSecond(number.longValue());
        }
        throw malformed(name);
    }

    /** {@code aud}: one string or an array of strings (RFC 7519 §4.1.3). */
    static List<String> stringOrList(Map<String, ?> claims, String name) throws Refusal {
        Object value = claims.get(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        return List.copyOf(strings(value, name));
    }

    /** A space-separated {@code scope} string (RFC 8693 §4.2). */
    static Set<String> scopes(Map<String, ?> claims) throws Refusal {
        String scope = string(claims, "scope");
        Set<String> scopes = new LinkedHashSet<>();
        if (scope != null) {
            for (String s : scope.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
        return Collections.unmodifiableSet(scopes);
    }

    /** {@code realm_access.roles}. */
    static Set<String> realmRoles(Map<String, ?> claims) throws Refusal {
        Map<String, ?> access = object(claims.get("realm_access"), "realm_access");
        return access == null ? Set.of() : roles(access, "realm_access");
    }

    /** {@code resource_access.<client>.roles}, by client id. */
    static Map<String, Set<String>> clientRoles(Map<String, ?> claims) throws Refusal {
        Map<String, ?> access = object(claims.get("resource_access"), "resource_access");
        if (access == null) {
            return Map.of();
        }
        Map<String, Set<String>> roles = new LinkedHashMap<>();
        for (Map.Entry<String, ?> client : access.entrySet()) {
            Map<String, ?> entry = object(client.getValue(), "resource_access");
            if (entry != null) {
                roles.put(client.getKey(), roles(entry, "resource_access"));
            }
        }
        return Collections.unmodifiableMap(roles);
    }

    private static Set<String> roles(Map<String, ?> access, String claim) throws Refusal {
        Object roles = access.get("roles");
        return roles == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(strings(roles, claim)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, ?> object(Object value, String name) throws Refusal {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                if (!(key instanceof String)) {
                    throw malformed(name);
                }
            }
            return (Map<String, ?>) map;
        }
        throw malformed(name);
    }

    private static List<String> strings(Object value, String name) throws Refusal {
        if (!(value instanceof Collection<?> items)) {
            throw malformed(name);
        }
        List<String> out = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String s)) {
                throw malformed(name);
            }
            out.add(s);
        }
        return out;
    }

    static Refusal malformed(String name) {
        return Refusal.invalidToken("the token's " + name + " claim is malformed");
    }
}
