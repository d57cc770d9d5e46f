package dev.actorbound.keycloak.core;

import java.util.Arrays;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.Urls;

/**
 * Actor tokens that only this realm's token endpoint accepts. The agent hands its actor token to the app, which
 * redeems the code with it; a plain {@code client_credentials} token would let the app call APIs as the agent. An
 * agent that asks {@code client_credentials} with {@code scope=actorbound-actor} gets a token whose only audience is
 * the realm's token endpoint, which resource servers that check {@code aud} refuse. A realm that sets
 * {@value #REQUIRED_ATTRIBUTE} to {@code true} accepts no other actor tokens.
 */
public final class ActorTokenAudience {

    /** The optional client scope the extension creates in every realm. */
    public static final String SCOPE = "actorbound-actor";
    public static final String SCOPE_DESCRIPTION = "Actor tokens for AI agents: the token's only audience is this realm's"
            + " token endpoint, so that the app an agent hands it to cannot call APIs with it.";
    /** Realm attribute: {@code true} refuses actor tokens that are not restricted to the token endpoint. */
    public static final String REQUIRED_ATTRIBUTE = "actorbound.actor-token-audience-required";

    private ActorTokenAudience() {
    }

    /** The realm's token endpoint as this request sees it: the same base URL as the issuer Keycloak checks. */
    public static String of(KeycloakSession session, RealmModel realm) {
        return Urls.tokenEndpoint(session.getContext().getUri().getBaseUri(), realm.getName()).toString();
    }

    public static boolean isRequired(RealmModel realm) {
        return Boolean.parseBoolean(realm.getAttribute(REQUIRED_ATTRIBUTE));
    }

    /** Whether the token's audience is the realm's token endpoint and nothing else. */
    public static boolean isRestricted(AccessToken token, KeycloakSession session, RealmModel realm) {
        String[] audience = token.getAudience();
        return audience != null && audience.length == 1 && Arrays.asList(audience).contains(of(session, realm));
    }
}
