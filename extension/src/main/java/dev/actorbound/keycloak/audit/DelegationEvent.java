package dev.actorbound.keycloak.audit;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import dev.actorbound.keycloak.core.AuditDetails;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

/**
 * A Keycloak event that belongs in the audit trail, with the agent it concerns. Our own code marks every delegated
 * action with the {@code actor} detail; consent events of the stock kinds (for example the account console's
 * "Remove access" on an agent) carry no such detail and count when their client is an agent.
 */
record DelegationEvent(Event event, String actor) {

    private static final Set<EventType> CONSENT_TYPES = EnumSet.of(EventType.GRANT_CONSENT, EventType.GRANT_CONSENT_ERROR,
            EventType.UPDATE_CONSENT, EventType.UPDATE_CONSENT_ERROR, EventType.REVOKE_GRANT, EventType.REVOKE_GRANT_ERROR);

    /** {@code clientIsAgent} is asked only for consent events without an actor: it may look the client up. */
    static Optional<DelegationEvent> of(Event event, Predicate<Event> clientIsAgent) {
        String actor = event.getDetails() == null ? null : event.getDetails().get(AuditDetails.ACTOR);
        if (actor != null && !actor.isBlank()) {
            return Optional.of(new DelegationEvent(event, actor));
        }
        if (CONSENT_TYPES.contains(event.getType()) && event.getClientId() != null && clientIsAgent.test(event)) {
            return Optional.of(new DelegationEvent(event, event.getClientId()));
        }
        return Optional.empty();
    }

    String detail(String key) {
        return event.getDetails() == null ? null : event.getDetails().get(key);
    }
}
