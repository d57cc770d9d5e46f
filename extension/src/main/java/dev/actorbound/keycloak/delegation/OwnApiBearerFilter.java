package dev.actorbound.keycloak.delegation;

import java.util.Optional;

import dev.actorbound.keycloak.core.SupportedKeycloak;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Keycloak's Admin, Account and client registration REST APIs never accept a delegated token. The Admin API does not even read
 * the token's roles: it asks whether the user holds a role and the token's client may carry it, so narrowing the
 * token cannot protect it; only refusing the request can. Registered as a JAX-RS filter (Keycloak picks up
 * {@code @Provider} filters of provider jars); it looks at requests to those two APIs that carry a bearer token
 * claiming {@code act}, and answers 403 with an OAuth error and an event. Everything else passes untouched. Keycloak
 * creates this filter itself, not through a provider factory, so on a Keycloak version the jar does not support
 * ({@link SupportedKeycloak}) it lets every request pass, as Keycloak does without the extension.
 */
@Provider
public final class OwnApiBearerFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (!SupportedKeycloak.running()) {
            return;
        }
        Optional<OwnApiGuard.Api> api = OwnApiGuard.Api.of(request.getUriInfo().getPath());
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (api.isEmpty() || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return;
        }
        Optional<TokenPeek> token = TokenPeek.of(authorization.substring(7).trim()).filter(TokenPeek::carriesAct);
        if (token.isEmpty()) {
            return;
        }
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        RealmModel realm = session == null ? null : OwnApiGuard.realmOf(session, token.get().issuer());
        if (realm != null) {
            OwnApiGuard.recordRefusal(session, realm, api.get(), token.get());
        }
        request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(OwnApiGuard.errorBody(OAuthErrorException.ACCESS_DENIED, api.get().refusal())).build());
    }
}
