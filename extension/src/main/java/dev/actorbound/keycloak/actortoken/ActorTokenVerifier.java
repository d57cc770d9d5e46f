package dev.actorbound.keycloak.actortoken;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.GrantRefusal;

import dev.actorbound.keycloak.core.ActorTokenAudience;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.ActorChain;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.AccessToken;

/**
 * The one check of an actor token, for code redemption, refresh and the delegation exchange alike: an active access
 * token of this realm, not a delegated one, the expected agent's own (its service account's, issued to the agent
 * itself) and, in a realm that asks for it ({@value ActorTokenAudience#REQUIRED_ATTRIBUTE}), restricted to the
 * realm's token endpoint, so that the app the agent handed it to cannot use it anywhere else.
 */
public final class ActorTokenVerifier {

    /** How a refusal names the agent a code or refresh token is bound to. */
    public static final String CONSENTED_AGENT = "the agent the user consented to";
    /** How a refusal names the agent that requests an exchange. */
    public static final String REQUESTING_AGENT = "the requesting agent";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final GrantRefusal refusal;

    public ActorTokenVerifier(KeycloakSession session, RealmModel realm, GrantRefusal refusal) {
        this.session = session;
        this.realm = realm;
        this.refusal = refusal;
    }

    /** Refuses the request unless {@code actorToken} is {@code expected}'s own token; {@code expectedName} says who that is. */
    public void verify(String actorToken, Actor expected, String expectedName) {
        AccessToken token = new RealmTokenVerifier(session, realm).verifyToken(actorToken)
                .orElseThrow(() -> refusal.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN,
                        "actor_token is not a valid, active access token of this realm"));
        if (token.getOtherClaims().containsKey(ActorChain.CLAIM)) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.DELEGATED_ACTOR_TOKEN,
                    "actor_token must be the agent's own token, not a delegated token");
        }
        if (!expected.sub().equals(token.getSubject()) || !expected.clientId().equals(token.getIssuedFor())) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.ACTOR_MISMATCH, "actor_token does not belong to " + expectedName);
        }
        if (ActorTokenAudience.isRequired(realm) && !ActorTokenAudience.isRestricted(token, session, realm)) {
            throw refusal.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.ACTOR_TOKEN_AUDIENCE,
                    "actor_token must be restricted to this realm's token endpoint: request it with scope="
                            + ActorTokenAudience.SCOPE);
        }
    }
}
