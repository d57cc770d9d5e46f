package dev.actorbound.keycloak.delegation;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.ConsentStore;
import java.util.ArrayList;
import java.util.List;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.ActorChain;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.JsonWebToken;

/**
 * Whether the grant behind an already issued delegated token still stands. Signature, expiry and session outlive a
 * revocation, so every endpoint that accepts a delegated token (introspection with any hint, userinfo) asks this
 * one check, on live state: the user is enabled, every actor of the chain is still an enabled agent with the same
 * service account, and the user's consent to the first agent, through the app the user delegated in, still exists.
 */
public final class DelegationLiveness {

    /** Said wherever a delegation fails because an agent of it is gone: redemption, refresh, introspection, userinfo. */
    public static final String AGENT_UNAVAILABLE_DESCRIPTION =
            "the agent is no longer available (disabled, deleted, no longer an agent, or Full scope allowed switched on)";

    /** What the check found about one token. */
    public sealed interface Verdict permits NotDelegated, Live, Dead {
    }

    /** The token carries no {@code act}: nothing to check here. */
    public record NotDelegated() implements Verdict {
    }

    public record Live(ActorChain chain) implements Verdict {
    }

    /** {@code error} is the event error, {@code description} the human reason; {@code chain} is null when malformed. */
    public record Dead(ActorChain chain, String error, String description) implements Verdict {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public DelegationLiveness(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** {@code user} is the token's subject as Keycloak resolved it from the session (null when gone). */
    public Verdict check(UserModel user, JsonWebToken token) {
        Object claim = token.getOtherClaims().get(ActorChain.CLAIM);
        if (claim == null) {
            return new NotDelegated();
        }
        ActorChain chain = ActorChain.fromClaim(claim);
        if (chain == null) {
            return new Dead(null, Errors.INVALID_TOKEN, "the token's actor chain is malformed");
        }
        if (user == null || !user.isEnabled()) {
            return new Dead(chain, Errors.USER_DISABLED, "the user is disabled or no longer exists");
        }
        List<Agent> agents = liveAgents(chain);
        if (agents.size() < chain.depth()) {
            return new Dead(chain, ActorboundErrors.AGENT_UNAVAILABLE, AGENT_UNAVAILABLE_DESCRIPTION);
        }
        if (!consented(user, token, agents.get(agents.size() - 1))) {
            return new Dead(chain, ActorboundErrors.CONSENT_REVOKED, "the user's consent to this agent was revoked");
        }
        return new Live(chain);
    }

    /** The chain's actors that are still agents with the service account the token names, in chain order. */
    private List<Agent> liveAgents(ActorChain chain) {
        AgentResolver resolver = new AgentResolver(session, realm);
        List<Agent> live = new ArrayList<>(chain.depth());
        for (Actor actor : chain.actors()) {
            resolver.byActor(actor.clientId(), actor.sub()).ifPresent(live::add);
        }
        return live;
    }

    /** The consent is to the first agent through the origin app; a token without the origin claim came from the app. */
    private boolean consented(UserModel user, JsonWebToken token, Agent root) {
        Object origin = token.getOtherClaims().getOrDefault(Delegation.ORIGIN_CLAIM, token.getIssuedFor());
        ClientModel app = origin instanceof String clientId ? realm.getClientByClientId(clientId) : null;
        return app != null && ConsentStore.of(session).holds(realm, user, app.getId(), root.clientUuid());
    }
}
