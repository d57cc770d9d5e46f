package dev.actorbound.keycloak.delegation;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.RealmIssuer;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ErrorResponseException;

/**
 * The backstop for every grant that is not the extension's own: a token request that presents a delegated token of
 * this realm (bearer header, subject, refresh, assertion or claim token carrying {@code act}) and reached token
 * issuance without one of our grants deciding the delegation is refused. Keycloak's UMA grant, its standard and
 * legacy exchanges, the JWT authorization grant and whatever a later version adds would otherwise issue a token
 * without {@code act} and with the user's full roles.
 */
public final class DelegatedInputGuard {

    public static final String DESCRIPTION =
            "a delegated token (one with act) cannot be used with this grant type; use the delegation token exchange";
    private static final String[] TOKEN_PARAMETERS = {OAuth2Constants.SUBJECT_TOKEN, OAuth2Constants.REFRESH_TOKEN,
            OAuth2Constants.ACTOR_TOKEN, "assertion", "claim_token"};
    private static final Map<String, EventType> EVENT_TYPES = Map.of(
            OAuth2Constants.UMA_GRANT_TYPE, EventType.PERMISSION_TOKEN,
            OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE, EventType.TOKEN_EXCHANGE,
            OAuth2Constants.REFRESH_TOKEN, EventType.REFRESH_TOKEN,
            OAuth2Constants.AUTHORIZATION_CODE, EventType.CODE_TO_TOKEN,
            OAuth2Constants.CLIENT_CREDENTIALS, EventType.CLIENT_LOGIN,
            OAuth2Constants.JWT_AUTHORIZATION_GRANT, EventType.JWT_AUTHORIZATION_GRANT);

    private final KeycloakSession session;

    public DelegatedInputGuard(KeycloakSession session) {
        this.session = session;
    }

    /** Throws the refusal when the request being served presents a delegated token of this realm. */
    public void refuseDelegatedInput() {
        HttpRequest request = session.getContext().getHttpRequest();
        RealmModel realm = session.getContext().getRealm();
        if (request == null || realm == null) {
            return;
        }
        String issuer = RealmIssuer.of(session, realm);
        MultivaluedMap<String, String> form = request.getDecodedFormParameters();
        Optional<TokenPeek> delegated = inputTokens(request, form)
                .map(token -> TokenPeek.inRequest(session, token)).flatMap(Optional::stream)
                .filter(token -> token.carriesAct() && token.issuedBy(issuer))
                .findFirst();
        if (delegated.isPresent()) {
            EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                    .event(EVENT_TYPES.getOrDefault(form.getFirst(OAuth2Constants.GRANT_TYPE), EventType.CODE_TO_TOKEN))
                    .client(session.getContext().getClient())
                    .detail(Details.GRANT_TYPE, form.getFirst(OAuth2Constants.GRANT_TYPE))
                    .detail(AuditDetails.ACTOR, delegated.get().claimedActor())
                    .detail(Details.REASON, DESCRIPTION);
            event.error(ActorboundErrors.DELEGATED_TOKEN_NOT_ACCEPTED);
            throw new ErrorResponseException(OAuthErrorException.INVALID_GRANT, DESCRIPTION, Response.Status.BAD_REQUEST);
        }
    }

    private static Stream<String> inputTokens(HttpRequest request, MultivaluedMap<String, String> form) {
        String authorization = request.getHttpHeaders().getHeaderString(HttpHeaders.AUTHORIZATION);
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        return Stream.concat(Stream.ofNullable(bearer),
                Stream.of(TOKEN_PARAMETERS).flatMap(name -> form.getOrDefault(name, java.util.List.of()).stream()));
    }
}
