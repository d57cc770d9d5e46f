package dev.actorbound.keycloak.delegation;

import dev.actorbound.keycloak.agent.AuditDetails;
import dev.actorbound.keycloak.chain.ActorChain;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.ErrorResponseException;

/**
 * Delegated tokens never reach Keycloak's own Account REST API. Its roles never enter a delegated token
 * ({@code DelegatedRoles}), so the Account API always asks the access-token introspection provider to rebuild the
 * token's claims: the one place where it can be refused with a description and an event, whatever roles an admin
 * mapped to the agent. (The Admin API reads the token's roles as they are and so answers 403 on its own.)
 */
public final class OwnApiGuard {

    public static final String ACCOUNT_REFUSED = "a delegated token (one with act) cannot be used with the Account API";

    private OwnApiGuard() {
    }

    public static void refuseAccountApi(KeycloakSession session, AccessToken token) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null || session.getContext().getUri() == null
                || !token.getOtherClaims().containsKey(ActorChain.CLAIM) || !isAccountApi(session, realm)) {
            return;
        }
        ActorChain chain = ActorChain.fromClaim(token.getOtherClaims().get(ActorChain.CLAIM));
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.VALIDATE_ACCESS_TOKEN)
                .client(token.getIssuedFor())
                .user(token.getSubject())
                .detail(Details.REASON, ACCOUNT_REFUSED);
        if (chain != null) {
            event.detail(AuditDetails.ACTOR, chain.current().clientId()).detail(AuditDetails.ACTOR_CHAIN, chain.serialize());
        }
        event.error(DelegatedInputGuard.ERROR);
        throw new ErrorResponseException(OAuthErrorException.ACCESS_DENIED, ACCOUNT_REFUSED, Response.Status.FORBIDDEN);
    }

    private static boolean isAccountApi(KeycloakSession session, RealmModel realm) {
        String path = session.getContext().getUri().getPath();
        String prefix = "/realms/" + realm.getName() + "/account";
        return path != null && (path.equals(prefix) || path.startsWith(prefix + "/"));
    }
}
