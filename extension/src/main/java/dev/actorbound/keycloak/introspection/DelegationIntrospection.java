package dev.actorbound.keycloak.introspection;

import java.util.Arrays;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import dev.actorbound.keycloak.core.RoleCeiling;
import dev.actorbound.keycloak.core.ScopeNarrowedContext;
import dev.actorbound.keycloak.core.TokenScopes;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ActorChain;
import dev.actorbound.keycloak.delegation.DelegationLiveness;
import dev.actorbound.keycloak.delegation.IssuedDelegation;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.util.DefaultClientSessionContext;

/**
 * What every introspection type adds to Keycloak's own checks (PROTOCOL §4). Keycloak picks the type by
 * {@code token_type_hint}, and each type accepts access and refresh tokens alike, so all of them must apply it.
 */
final class DelegationIntrospection {

    private DelegationIntrospection() {
    }

    /**
     * Runs after Keycloak's checks passed. A delegated token stays active only while its delegation is live; then
     * the answer carries its {@code act} chain as issued. A dead one is inactive, with an error event saying why.
     */
    static boolean stillLive(KeycloakSession session, RealmModel realm, EventBuilder event, UserModel user,
                             AccessToken token, AccessToken answer) {
        DelegationLiveness.Verdict verdict = new DelegationLiveness(session, realm).check(user, token);
        if (verdict instanceof DelegationLiveness.Dead dead) {
            actorDetails(event, dead.chain());
            event.detail(Details.REASON, dead.description()).error(dead.error());
            return false;
        }
        if (verdict instanceof DelegationLiveness.Live live) {
            actorDetails(event, live.chain());
            answer.getOtherClaims().put(ActorChain.CLAIM, live.chain().toClaim());
            if (!RoleCeiling.isLightweight(session, token)) {
                narrowToToken(answer, token);
            }
        }
        return true;
    }

    /**
     * The answer for {@code token}, built the way Keycloak's {@code transformAccessToken} builds it ({@code stock}),
     * except for a delegated token: its mappers see the delegation's roles, recomputed on live state by the same rule
     * as at issuance, and only the client scopes the token holds ({@link TokenScopes}). Keycloak's own context always
     * adds the client's default scopes back, so a scope the delegation dropped would show again here.
     */
    static AccessToken transform(KeycloakSession session, RealmModel realm, AccessToken token, UserSessionModel userSession,
                                 BiFunction<AccessToken, UserSessionModel, AccessToken> stock) {
        ClientModel client = token.getIssuedFor() == null ? null : realm.getClientByClientId(token.getIssuedFor());
        AuthenticatedClientSessionModel clientSession = client == null || userSession == null ? null
                : userSession.getAuthenticatedClientSessionByClient(client.getId());
        if (!token.getOtherClaims().containsKey(ActorChain.CLAIM) || clientSession == null) {
            return stock.apply(token, userSession);
        }
        IssuedDelegation.primeForMappers(session, realm, token, userSession.getUser(), userSession.getId());
        Set<String> notHeld = TokenScopes.defaultsNotHeld(token, client).map(ClientScopeModel::getName)
                .collect(Collectors.toUnmodifiableSet());
        ClientSessionContext context = ScopeNarrowedContext.without(
                DefaultClientSessionContext.fromClientSessionAndScopeParameter(clientSession, token.getScope(), session), notHeld);
        return new TokenManager().transformIntrospectionAccessToken(session, token, storedClaims(token), userSession, context);
    }

    /**
     * The claims Keycloak copies from the token before the mappers run (its {@code getAccessTokenFromStoredData} is
     * private): what {@code TokenManager.initToken} set, the audience (a basic claim of a refresh token) and {@code cnf}.
     */
    private static AccessToken storedClaims(AccessToken token) {
        AccessToken stored = new AccessToken();
        stored.id(token.getId());
        stored.type(token.getType());
        stored.subject(token.getSubject());
        stored.iat(token.getIat());
        stored.exp(token.getExp());
        stored.issuedFor(token.getIssuedFor());
        stored.issuer(token.getIssuer());
        stored.setNonce(token.getNonce());
        stored.setScope(token.getScope());
        stored.setSessionId(token.getSessionId());
        stored.audience(token.getAudience());
        stored.setConfirmation(token.getConfirmation());
        return stored;
    }

    /**
     * Keycloak rebuilds the answer from the app's client session, whose roles are the user's, not the agent's:
     * an answer must never say more than the token it describes, so roles and audience are cut to the token's.
     * A refresh token carries no roles, so its answer names none.
     */
    private static void narrowToToken(AccessToken answer, AccessToken token) {
        RoleCeiling carried = RoleCeiling.ofFullToken(token);
        if (answer.getRealmAccess() != null && answer.getRealmAccess().getRoles() != null) {
            answer.getRealmAccess().getRoles().removeIf(role -> !carried.realmRoles().contains(role));
        }
        if (answer.getResourceAccess() != null) {
            answer.getResourceAccess().forEach((clientId, access) -> {
                Set<String> ofClient = carried.clientRoles().getOrDefault(clientId, Set.of());
                if (access.getRoles() != null) {
                    access.getRoles().removeIf(role -> !ofClient.contains(role));
                }
            });
            answer.getResourceAccess().values().removeIf(access -> access.getRoles() == null || access.getRoles().isEmpty());
        }
        if (answer.getAudience() != null) {
            Set<String> audience = token.getAudience() == null ? Set.of() : Set.of(token.getAudience());
            answer.audience(Arrays.stream(answer.getAudience()).filter(audience::contains).toArray(String[]::new));
        }
    }

    private static void actorDetails(EventBuilder event, ActorChain chain) {
        if (chain != null) {
            event.detail(AuditDetails.ACTOR, chain.current().clientId()).detail(AuditDetails.ACTOR_CHAIN, chain.serialize());
        }
    }
}
