package dev.actorbound.keycloak.actortoken;

import java.util.Optional;

import org.keycloak.Token;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * Verifies an access token the way Keycloak verifies bearer tokens for its own APIs: signature with the realm's
 * keys for the algorithm in the header (no {@code none}, no HS/RS confusion), issuer of this realm, type
 * Bearer, not expired, not revoked, client, user and session still valid.
 */
public final class RealmTokenVerifier {

    private final KeycloakSession session;
    private final RealmModel realm;

    public RealmTokenVerifier(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public Optional<AuthResult> verify(String tokenString) {
        // verifyIdentityToken sets the verified token's client, bearer and session on the context; the
        // request being served is someone else's, so everything is put back.
        KeycloakContext context = session.getContext();
        ClientModel client = context.getClient();
        Token bearer = context.getBearerToken();
        UserSessionModel userSession = context.getUserSession();
        try {
            return Optional.ofNullable(AuthenticationManager.verifyIdentityToken(session, realm, context.getUri(),
                    context.getConnection(), true, true, null, false, tokenString, context.getRequestHeaders(), verifier -> { }));
        } catch (RuntimeException e) {
            return Optional.empty();
        } finally {
            context.setClient(client);
            context.setBearerToken(bearer);
            context.setUserSession(userSession);
        }
    }
}
