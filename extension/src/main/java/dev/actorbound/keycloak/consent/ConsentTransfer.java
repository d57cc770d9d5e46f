package dev.actorbound.keycloak.consent;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One agent consent as the export carries it and the import reads it: named by username and client_ids, which a
 * realm export and import keep, never by database ids. {@code grantedAt} is in epoch seconds.
 */
public record ConsentTransfer(
        @JsonProperty("username") String username,
        @JsonProperty("app") String app,
        @JsonProperty("agent") String agent,
        @JsonProperty("scopes") List<String> scopes,
        @JsonProperty("grantedAt") long grantedAt) {
}
