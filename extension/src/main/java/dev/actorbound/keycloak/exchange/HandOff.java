package dev.actorbound.keycloak.exchange;

import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.core.ConsentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.actorbound.keycloak.core.Agent;
import dev.actorbound.keycloak.core.AgentResolver;
import dev.actorbound.keycloak.core.Actor;
import dev.actorbound.keycloak.core.ActorChain;
import dev.actorbound.keycloak.core.ActorboundOptions;
import dev.actorbound.keycloak.core.AgentConsent;
import dev.actorbound.keycloak.delegation.Delegation;
import dev.actorbound.keycloak.core.GrantRefusal;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;

/**
 * Decides whether the requesting agent may take over from the subject token's current actor, against live
 * state: the user's consent for the first agent, each actor's allowed hand-offs, the new agent's acceptance of the
 * app the user consented through, loops and depth. It keeps what the narrowing needs: every live actor of the new
 * chain and the consent the chain rests on.
 */
final class HandOff {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ActorboundOptions options;
    private final GrantRefusal failure;
    private ActorChain chain;
    private String originClientId;
    private AgentConsent consent;
    private final List<ClientModel> actors = new ArrayList<>();

    HandOff(KeycloakSession session, RealmModel realm, ActorboundOptions options, GrantRefusal failure) {
        this.session = session;
        this.realm = realm;
        this.options = options;
        this.failure = failure;
    }

    HandOff decide(AccessToken subject, UserModel user, Agent requester) {
        if (user.getServiceAccountClientLink() != null) {
            // A client's own token, e.g. an agent's actor token that the app it was handed to replays: it speaks
            // for no user, so nobody can have consented to delegate it.
            throw failure.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.SERVICE_ACCOUNT_SUBJECT,
                    "subject_token is a client's own token, not a user's");
        }
        Actor newActor = new Actor(requester.serviceAccountId(), requester.clientId());
        Object claim = subject.getOtherClaims().get(ActorChain.CLAIM);
        if (claim == null) {
            firstHop(subject, user, requester);
            chain = ActorChain.of(newActor);
        } else {
            ActorChain current = ActorChain.fromClaim(claim);
            if (current == null) {
                throw failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.INVALID_TOKEN,
                        "subject_token carries a malformed act claim");
            }
            nextHop(subject, user, requester, current);
            chain = current.handedTo(newActor);
        }
        requireDepth(requester);
        actors.add(requester.client());
        return this;
    }

    ActorChain chain() {
        return chain;
    }

    String originClientId() {
        return originClientId;
    }

    /** The consent of the user the whole chain rests on: (origin app, first agent). */
    AgentConsent consent() {
        return consent;
    }

    /** The clients of every actor of the new chain, each live right now: each one's ceiling narrows the token. */
    List<ClientModel> actors() {
        return List.copyOf(actors);
    }

    private void firstHop(AccessToken subject, UserModel user, Agent requester) {
        ClientModel app = realm.getClientByClientId(subject.getIssuedFor());
        if (app == null || !requester.settings().acceptsClient(app.getClientId())) {
            throw failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.NOT_ALLOWED,
                    "the agent does not accept requests from the subject token's client");
        }
        consent = ConsentStore.of(session).find(realm, user, app.getId(), requester.clientUuid())
                .orElseThrow(() -> failure.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.CONSENT_MISSING,
                        "the user has not consented to this agent for the subject token's client"));
        originClientId = app.getClientId();
    }

    private void nextHop(AccessToken subject, UserModel user, Agent requester, ActorChain current) {
        if (current.contains(requester.clientId())) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, ActorboundErrors.DELEGATION_LOOP, "the agent is already in the delegation chain");
        }
        AgentResolver agents = new AgentResolver(session, realm);
        Agent acting = live(agents, current.current()).orElseThrow(() -> failure.refuse(OAuthErrorException.INVALID_GRANT,
                ActorboundErrors.AGENT_UNAVAILABLE, "the current actor is no longer an available agent"));
        if (!HandOffRule.mayTakeOver(acting.settings(), requester.clientId(), requester.serviceAccountId(),
                subject.getOtherClaims().get(HandOffRule.MAY_ACT_CLAIM))) {
            throw failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.NOT_ALLOWED,
                    "the current actor may not hand off to this agent");
        }
        Object origin = subject.getOtherClaims().get(Delegation.ORIGIN_CLAIM);
        ClientModel app = origin instanceof String clientId ? realm.getClientByClientId(clientId) : null;
        Optional<Agent> root = live(agents, current.root());
        consent = app == null || root.isEmpty() ? null
                : ConsentStore.of(session).find(realm, user, app.getId(), root.get().clientUuid()).orElse(null);
        if (consent == null) {
            throw failure.refuse(OAuthErrorException.INVALID_GRANT, ActorboundErrors.CONSENT_REVOKED,
                    "the user's consent for this delegation was revoked");
        }
        if (!requester.settings().acceptsClient(app.getClientId())) {
            throw failure.refuse(OAuthErrorException.INVALID_GRANT, Errors.NOT_ALLOWED,
                    "the agent does not accept requests from the app the user consented through");
        }
        for (Actor actor : current.actors()) {
            actors.add(live(agents, actor).orElseThrow(() -> failure.refuse(OAuthErrorException.INVALID_GRANT,
                    ActorboundErrors.AGENT_UNAVAILABLE, "an earlier actor of the chain is no longer an available agent")).client());
        }
        originClientId = app.getClientId();
    }

    private static Optional<Agent> live(AgentResolver agents, Actor actor) {
        return agents.byActor(actor.clientId(), actor.sub());
    }

    private void requireDepth(Agent requester) {
        int max = HandOffRule.maxDepth(options, requester.settings());
        if (chain.depth() > max) {
            throw failure.refuse(OAuthErrorException.INVALID_REQUEST, ActorboundErrors.DELEGATION_TOO_DEEP,
                    "the delegation chain would exceed its maximum depth of " + max);
        }
    }
}
