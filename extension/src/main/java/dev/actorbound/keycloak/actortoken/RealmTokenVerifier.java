package dev.actorbound.keycloak.actortoken;

import java.util.Optional;

import dev.actorbound.keycloak.core.RealmIssuer;
import org.keycloak.Token;
import org.keycloak.TokenVerifier;
import org.keycloak.common.VerificationException;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.encode.AccessTokenContext;
import org.keycloak.protocol.oidc.encode.TokenContextEncoderProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * Verifies an access token the way Keycloak verifies bearer tokens for its own APIs: signature with the realm's
 * keys for the algorithm in the header (no {@code none}, no HS/RS confusion), issuer of this realm, type
 * Bearer, not expired, not revoked, client, user and session still valid.
 *
 * <p>{@link #verifyToken} is the same check for a token whose only use is to prove who presents it (an actor
 * token). For a token without a user session ({@code client_credentials}), {@code verifyIdentityToken} builds a
 * transient user session with an authentication session on every call, which was the largest single cost of a
 * delegation exchange (README, Performance); nothing of it is used for an actor token. So such a token gets the
 * same checks composed from Keycloak's own parts, in the same order, without the session.
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

    /**
     * The verified claims of {@code tokenString}, or empty. A token bound to a user session goes through
     * {@link #verify}, so its session must still be valid; a session-less one gets every other check of it.
     */
    public Optional<AccessToken> verifyToken(String tokenString) {
        try {
            TokenVerifier<AccessToken> verifier = TokenVerifier.create(tokenString, AccessToken.class);
            if (verifier.getToken().getSessionId() != null) {
                return verify(tokenString).map(AuthResult::token);
            }
            return Optional.ofNullable(verifySessionless(verifier));
        } catch (VerificationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    // AuthenticationManager.verifyIdentityToken(checkActive, checkTokenType, no audience, not a cookie) and the
    // transient-session branch of UserSessionUtil.findValidSessionForAccessToken, less the session it creates.
    private AccessToken verifySessionless(TokenVerifier<AccessToken> verifier) throws VerificationException {
        verifier.withDefaultChecks()
                .realmUrl(RealmIssuer.of(session, realm))
                .checkActive(true)
                .checkTokenType(true)
                .withChecks(new TokenManager.TokenRevocationCheck(session));
        SignatureProvider signature = session.getProvider(SignatureProvider.class, verifier.getHeader().getAlgorithm().name());
        if (signature == null) {
            return null;
        }
        verifier.verifierContext(signature.verifier(verifier.getHeader().getKeyId()));
        AccessToken token = verifier.verify().getToken();
        if (!token.isActive() || token.getIat() < realm.getNotBefore()) {
            return null;
        }
        // The token's id says which kind of session it was issued with; only a transient one may lack a session.
        AccessTokenContext issued = session.getProvider(TokenContextEncoderProvider.class).getTokenContextFromTokenId(token.getId());
        if (!issued.getSessionType().isAllowTransientUserSession()) {
            return null;
        }
        ClientModel client = realm.getClientByClientId(token.getIssuedFor());
        if (client == null || !client.isEnabled() || token.getIat() < client.getNotBefore()) {
            return null;
        }
        UserModel user = TokenManager.lookupUserFromStatelessToken(session, realm, token);
        if (!TokenManager.isUserValid(session, realm, token, user)) {
            return null;
        }
        return token;
    }
}
