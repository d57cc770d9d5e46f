package dev.actorbound.keycloak.account;

import java.net.URI;
import java.util.Optional;

import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * The small public client behind the "agents that act for me" page, one per realm. It does two jobs: with
 * "Always display in UI" on it appears, with a link, in the account console's Applications list; and it is the
 * client of the authorization request that sends a user without SSO session to log in and back to the page.
 * Its only redirect URI is the page itself (exact, no wildcard), so it can never send a code anywhere else.
 * Disabling it turns the page off in that realm.
 */
public final class MyAgentsClient {

    public static final String CLIENT_ID = "actorbound-my-agents";
    /** A message key: the account console and the admin console localize names written as {@code ${key}}. */
    static final String NAME = "${actorbound-my-agents-title}";
    static final String DESCRIPTION = "Lists the AI agents that may act for the signed-in user and lets them revoke each one.";

    private MyAgentsClient() {
    }

    /** Creates the client unless the realm has one already (e.g. from a realm import); never changes an existing one. */
    public static void ensure(RealmModel realm) {
        if (realm.getClientByClientId(CLIENT_ID) != null) {
            return;
        }
        String page = pagePath(realm);
        ClientModel client = KeycloakModelUtils.createPublicClient(realm, CLIENT_ID);
        client.setName(NAME);
        client.setDescription(DESCRIPTION);
        client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        client.setEnabled(true);
        client.setAlwaysDisplayInConsole(true);
        // relative to the server's own URL, like Keycloak's account-console client
        client.setRootUrl(Constants.AUTH_BASE_URL_PROP);
        client.setBaseUrl(page);
        client.addRedirectUri(page);
        client.setStandardFlowEnabled(true);
        client.setImplicitFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(false);
        client.setServiceAccountsEnabled(false);
        client.setConsentRequired(false);
        // its codes are never redeemed (see LoginRedirect); should anyone manage to, the token carries no roles
        client.setFullScopeAllowed(false);
        client.setAttribute(OIDCConfigAttributes.PKCE_CODE_CHALLENGE_METHOD, "S256");
    }

    /** The enabled client of this realm; empty means the page is off. */
    static Optional<ClientModel> of(RealmModel realm) {
        return Optional.ofNullable(realm.getClientByClientId(CLIENT_ID)).filter(ClientModel::isEnabled);
    }

    /** {@code /realms/<realm>/actorbound/my-agents}: the page, and the client's base and only redirect URI. */
    static String pagePath(RealmModel realm) {
        return "/realms/" + realm.getName() + "/" + MyAgentsResourceProviderFactory.PROVIDER_ID + "/" + MyAgentsResource.PAGE;
    }

    /** The page's absolute URL as this request reaches the server. */
    static URI pageUrl(URI baseUri, RealmModel realm) {
        return UriBuilder.fromUri(baseUri).path(pagePath(realm)).replaceQuery(null).build();
    }
}
