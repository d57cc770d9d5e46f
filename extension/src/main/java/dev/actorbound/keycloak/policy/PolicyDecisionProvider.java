package dev.actorbound.keycloak.policy;

import java.util.function.Supplier;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/**
 * Asks the realm's policy decision point about a delegation (PROTOCOL §9). Every step of a delegation that decides
 * what a token may carry asks through here, on live state; the answer can only take candidates away.
 */
public interface PolicyDecisionProvider extends Provider {

    /**
     * {@link PolicyDecision#NOT_ASKED} when the realm names no PDP: then no request leaves the server, and
     * {@code question} is not even built (its candidates may cost a computation of their own).
     */
    PolicyDecision decide(RealmModel realm, Supplier<PolicyQuestion> question);
}
