package dev.actorbound.keycloak.delegation;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ActorChain;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.ErrorResponseException;

/**
 * Delegated tokens never reach Keycloak's own Admin, Account and client registration REST APIs, whatever roles an admin
 * mapped to the agent: an agent acts for a user towards the app's APIs, never as the user's administrator or account
 * owner. (Client registration resolves a lightweight token's roles itself, from the app's session, unnarrowed.)
 * {@link OwnApiBearerFilter} refuses such requests up front; the Account API is also refused where it rebuilds a
 * token's claims through the introspection provider, in case the filter is not in place.
 */
public final class OwnApiGuard {

    /** Keycloak's APIs a delegated token may not use, with the refusal each one answers. */
    public enum Api {
        ADMIN("a delegated token (one with act) cannot be used with the Admin API"),
        ACCOUNT("a delegated token (one with act) cannot be used with the Account API"),
        CLIENT_REGISTRATION("a delegated token (one with act) cannot be used with the client registration API");

        private final String refusal;

        Api(String refusal) {
            this.refusal = refusal;
        }

        public String refusal() {
            return refusal;
        }

        /** The API a request path (relative to Keycloak's root, with or without a leading slash) belongs to. */
        public static Optional<Api> of(String path) {
            String relative = path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
            if (relative.startsWith("admin/")) {
                return Optional.of(ADMIN);
            }
            String[] parts = relative.split("/", 4);
            if (parts.length < 3 || !"realms".equals(parts[0])) {
                return Optional.empty();
            }
            return switch (parts[2]) {
                case "account" -> Optional.of(ACCOUNT);
                case "clients-registrations" -> Optional.of(CLIENT_REGISTRATION);
                default -> Optional.empty();
            };
        }
    }

    private OwnApiGuard() {
    }

    /** Called where the Account API rebuilds a token's claims: throws the refusal for a delegated token. */
    public static void refuseAccountApi(KeycloakSession session, AccessToken token) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null || session.getContext().getUri() == null || !token.getOtherClaims().containsKey(ActorChain.CLAIM)
                || Api.of(session.getContext().getUri().getPath()).filter(Api.ACCOUNT::equals).isEmpty()) {
            return;
        }
        event(session, realm, Api.ACCOUNT, token.getIssuedFor(), token.getSubject(),
                ActorChain.fromClaim(token.getOtherClaims().get(ActorChain.CLAIM)));
        throw new ErrorResponseException(OAuthErrorException.ACCESS_DENIED, Api.ACCOUNT.refusal(), Response.Status.FORBIDDEN);
    }

    static void recordRefusal(KeycloakSession session, RealmModel realm, Api api, TokenPeek token) {
        event(session, realm, api, token.claimedClient(), token.claimedSubject(), token.claimedChain());
    }

    /** The realm a token's issuer names ({@code …/realms/<name>}), or {@code null}. */
    static RealmModel realmOf(KeycloakSession session, String issuer) {
        int at = issuer == null ? -1 : issuer.lastIndexOf("/realms/");
        return at < 0 ? null : session.realms().getRealmByName(issuer.substring(at + "/realms/".length()));
    }

    static Map<String, String> errorBody(String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put(OAuth2Constants.ERROR, error);
        body.put(OAuth2Constants.ERROR_DESCRIPTION, description);
        return body;
    }

    private static void event(KeycloakSession session, RealmModel realm, Api api, String clientId, String userId, ActorChain chain) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.VALIDATE_ACCESS_TOKEN)
                .client(clientId)
                .user(userId)
                .detail(Details.REASON, api.refusal());
        if (chain != null) {
            event.detail(AuditDetails.ACTOR, chain.current().clientId()).detail(AuditDetails.ACTOR_CHAIN, chain.serialize());
        }
        event.error(ActorboundErrors.DELEGATED_TOKEN_NOT_ACCEPTED);
    }
}
