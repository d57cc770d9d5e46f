package dev.actorbound.keycloak.account;

import java.net.URI;

import jakarta.ws.rs.core.UriInfo;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.protocol.oidc.utils.PkceUtils;

/**
 * The authorization request that sends a user without SSO session to log in and back to the page. The page only
 * needs the SSO session the login leaves behind (the identity cookie), never a token: the code that comes back is
 * not redeemed. Its PKCE verifier is thrown away at once, so nobody, the page included, can redeem it.
 * The redirect URI is computed here, never taken from the request: no open redirect.
 */
final class LoginRedirect {

    /** Query parameters of the authorization response; their presence means the user just came back from login. */
    private static final String[] CALLBACK_PARAMETERS = {OAuth2Constants.CODE, OAuth2Constants.STATE,
            OAuth2Constants.ERROR, OAuth2Constants.SESSION_STATE, OAuth2Constants.ISSUER};

    private LoginRedirect() {
    }

    static URI to(UriInfo uri, RealmModel realm) {
        String discardedVerifier = PkceUtils.generateCodeVerifier();
        return OIDCLoginProtocolService.authUrl(uri)
                .queryParam(OAuth2Constants.CLIENT_ID, MyAgentsClient.CLIENT_ID)
                .queryParam(OAuth2Constants.RESPONSE_TYPE, OAuth2Constants.CODE)
                .queryParam(OAuth2Constants.REDIRECT_URI, MyAgentsClient.pageUrl(uri.getBaseUri(), realm))
                .queryParam(OAuth2Constants.SCOPE, OAuth2Constants.SCOPE_OPENID)
                .queryParam(OAuth2Constants.STATE, SecretGenerator.getInstance().generateSecureID())
                .queryParam(OAuth2Constants.CODE_CHALLENGE,
                        PkceUtils.encodeCodeChallenge(discardedVerifier, OAuth2Constants.PKCE_METHOD_S256))
                .queryParam(OAuth2Constants.CODE_CHALLENGE_METHOD, OAuth2Constants.PKCE_METHOD_S256)
                .queryParam(OIDCLoginProtocol.RESPONSE_MODE_PARAM, "query")
                .build(realm.getName());
    }

    /** Whether this request is the way back from the login (successful or not). */
    static boolean isCallback(UriInfo uri) {
        for (String name : CALLBACK_PARAMETERS) {
            if (uri.getQueryParameters().containsKey(name)) {
                return true;
            }
        }
        return false;
    }
}
