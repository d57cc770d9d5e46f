package dev.actorbound.keycloak.core;

/** One link of an {@code act} chain: the agent's service-account id and its client_id. */
public record Actor(String sub, String clientId) {
}
