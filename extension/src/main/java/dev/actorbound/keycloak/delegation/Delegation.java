package dev.actorbound.keycloak.delegation;

import dev.actorbound.keycloak.core.ActorChain;
import org.keycloak.events.EventBuilder;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;

/**
 * What a grant decided for the token it is about to issue, handed to the token post-processor: the chain to write
 * as {@code act}, the lifetime cap, the latest expiry (a subject token's), what the token may carry at most, the
 * sender constraint it must keep, and the app the user consented through.
 *
 * @param notAfter     epoch seconds the token may not outlive, or {@code null}
 * @param grant        roles and scopes the token may at most carry, decided before any protocol mapper ran
 * @param confirmation the {@code cnf} of the subject token the new token must keep, or {@code null}
 * @param event        the grant's event, which gets the roles and audience the token finally carries
 * @param cors         the grant's CORS response builder, for a refusal from the post-processor
 */
public record Delegation(ActorChain chain, int lifetimeSeconds, Long notAfter, EffectiveGrant grant,
                         AccessToken.Confirmation confirmation, String originClientId, EventBuilder event, Cors cors) {

    public static final String ATTRIBUTE = "actorbound.delegation";
    /** The token claim naming the app the user consented through; the consent is re-checked against it. */
    public static final String ORIGIN_CLAIM = "origin_client_id";
}
