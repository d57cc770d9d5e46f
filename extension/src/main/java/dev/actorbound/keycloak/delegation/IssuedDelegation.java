package dev.actorbound.keycloak.delegation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.DelegatedRoles;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.ActorChain;
import dev.actorbound.keycloak.core.RoleCeiling;
import dev.actorbound.keycloak.core.AgentConsent;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;

/**
 * The grant of a delegated token that was already issued, recomputed on live state, for every place where Keycloak
 * derives claims from a token again by running the protocol mappers (introspection, the Account API's transform,
 * userinfo): the same rule as at issuance — the user's live roles as the token's client sees them ∩ every actor's
 * explicit roles ∩ the roles the token itself carries ({@link RoleCeiling}, also for a lightweight token).
 */
public final class IssuedDelegation {

    private IssuedDelegation() {
    }

    /** Empty for a token without {@code act}, or whose chain or client is gone (liveness refuses it elsewhere). */
    public static Optional<EffectiveGrant> grantOf(KeycloakSession session, RealmModel realm, AccessToken token, UserModel user) {
        ActorChain chain = ActorChain.fromClaim(token.getOtherClaims().get(ActorChain.CLAIM));
        ClientModel client = token.getIssuedFor() == null ? null : realm.getClientByClientId(token.getIssuedFor());
        if (chain == null || client == null || user == null) {
            return Optional.empty();
        }
        AgentResolver agents = new AgentResolver(session, realm);
        List<ClientModel> actors = new ArrayList<>();
        for (Actor actor : chain.actors()) {
            Optional<ClientModel> live = agents.byActor(actor.clientId(), actor.sub()).map(Agent::client);
            if (live.isEmpty()) {
                return Optional.empty();
            }
            actors.add(live.get());
        }
        Set<RoleModel> base = ResolvedRoles.beforeCeilings(session, user, client, token.getScope(), actors);
        Predicate<RoleModel> carried = RoleCeiling.of(session, token)::allows;
        Set<String> scopes = AgentConsent.scopesOf(token.getScope());
        return Optional.of(new EffectiveGrant(DelegatedRoles.narrow(base.stream(), actors, carried), scopes));
    }

    /** Narrows what the mappers about to run for {@code token} will see, in the user session the token belongs to. */
    public static void primeForMappers(KeycloakSession session, RealmModel realm, AccessToken token, UserModel user,
                                       String userSessionId) {
        ClientModel client = token.getIssuedFor() == null ? null : realm.getClientByClientId(token.getIssuedFor());
        EffectiveGrant grant = grantOf(session, realm, token, user).orElse(new EffectiveGrant(Set.of(), Set.of()));
        if (client != null && userSessionId != null) {
            ResolvedRoles.prime(session, userSessionId, client, grant.roles());
        }
    }
}
