package dev.actorbound.keycloak.chain;

import org.keycloak.events.EventBuilder;

/**
 * What a grant decided for the token it is about to issue, handed to the token post-processor: the chain to
 * write as {@code act}, the lifetime cap, the latest expiry (a subject token's), the roles the token may at
 * most carry (a subject token's), and the app the user consented through.
 *
 * @param notAfter  epoch seconds the token may not outlive, or {@code null}
 * @param ceiling   roles the token may at most carry, or {@code null} for no ceiling beyond the agent's
 * @param event     the grant's event, which gets the roles and audience the token finally carries
 */
public record Delegation(ActorChain chain, int lifetimeSeconds, Long notAfter, RoleCeiling ceiling, String originClientId,
                         EventBuilder event) {

    public static final String ATTRIBUTE = "actorbound.delegation";
    /** The token claim naming the app the user consented through; the consent is re-checked against it. */
    public static final String ORIGIN_CLAIM = "origin_client_id";
}
