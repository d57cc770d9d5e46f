package dev.actorbound.keycloak.chain;

/**
 * What a grant decided for the token it is about to issue, handed to the token post-processor through the
 * client-session context: the chain to write as {@code act} and the lifetime cap.
 */
public record Delegation(ActorChain chain, int lifetimeSeconds) {

    public static final String ATTRIBUTE = "actorbound.delegation";
}
