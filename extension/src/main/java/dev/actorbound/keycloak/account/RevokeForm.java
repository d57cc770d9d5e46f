package dev.actorbound.keycloak.account;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;

/** The (app, agent) pair a revoke names, as posted by the page. Parsed before any decision. */
record RevokeForm(String appUuid, String agentUuid) {

    static final String APP = "app";
    static final String AGENT = "agent";
    /** Keycloak's internal client ids are at most 36 characters; anything much longer is not one of ours. */
    private static final int MAX_LENGTH = 64;

    /** Empty unless both fields are sent exactly once, are not blank and are not overly long. */
    static Optional<RevokeForm> parse(MultivaluedMap<String, String> form) {
        String app = single(form, APP);
        String agent = single(form, AGENT);
        return app == null || agent == null ? Optional.empty() : Optional.of(new RevokeForm(app, agent));
    }

    /** The field's only value, or null when it is missing, repeated, blank or overly long. */
    static String single(MultivaluedMap<String, String> form, String name) {
        List<String> values = form.get(name);
        if (values == null || values.size() != 1) {
            return null;
        }
        String value = values.get(0);
        return value == null || value.isBlank() || value.length() > MAX_LENGTH ? null : value;
    }
}
