package dev.actorbound.keycloak.policy;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.actorbound.keycloak.core.AuditDetails;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.RoleModel;

/**
 * What the realm's policy decided about one delegation. {@link Outcome#NOT_ASKED} (no PDP configured) changes
 * nothing and writes nothing; every other outcome is written to the event, so that the admin console's Events tab and
 * the audit log show it. The PDP's reason goes to the event only, never to the client.
 *
 * @param droppedRoles  labels (realm role name, or {@code client:role}) of the candidate roles the PDP refused
 * @param droppedScopes names of the candidate scopes the PDP refused
 * @param refusedScope  the first of them the client asked for by name (which refuses the request), or {@code ""}
 * @param reason        the PDP's own reason, or {@code ""}
 * @param error         why the PDP could not decide (unavailable only), or {@code ""}
 */
public record PolicyDecision(Outcome outcome, Set<String> droppedRoles, Set<String> droppedScopes, String refusedScope,
                             String reason, String error) {

    public enum Outcome { NOT_ASKED, ALLOWED, DENIED, UNAVAILABLE }

    public static final PolicyDecision NOT_ASKED = new PolicyDecision(Outcome.NOT_ASKED, Set.of(), Set.of(), "", "", "");

    public PolicyDecision {
        droppedRoles = Set.copyOf(droppedRoles);
        droppedScopes = Set.copyOf(droppedScopes);
    }

    static PolicyDecision unavailable(String error) {
        return new PolicyDecision(Outcome.UNAVAILABLE, Set.of(), Set.of(), "", "", error);
    }

    /** Whether the delegation goes on: allowed (maybe narrowed), or no PDP to ask. */
    public boolean admits() {
        return outcome == Outcome.NOT_ASKED || outcome == Outcome.ALLOWED;
    }

    public boolean keepsRole(RoleModel role) {
        return !droppedRoles.contains(RoleLabels.of(role));
    }

    public Set<RoleModel> keptRoles(Set<RoleModel> roles) {
        return roles.stream().filter(this::keepsRole).collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> keptScopes(Set<String> scopes) {
        return scopes.stream().filter(scope -> !droppedScopes.contains(scope)).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the policy drops a scope the client asked for by name: the request is refused ({@code invalid_scope}). */
    public boolean refusesAScope() {
        return refusedScope != null && !refusedScope.isEmpty();
    }

    /** What the client reads when the policy drops a scope it asked for by name ({@code invalid_scope}). */
    public static String scopeRefusal(String scope) {
        return "the realm's policy does not allow the requested scope " + scope;
    }

    /** The value of the {@value AuditDetails#POLICY_DECISION} detail. */
    public String label() {
        return switch (outcome) {
            case NOT_ASKED -> "";
            case ALLOWED -> droppedRoles.isEmpty() && droppedScopes.isEmpty() ? "allowed" : "narrowed";
            case DENIED -> "denied";
            case UNAVAILABLE -> "unavailable";
        };
    }

    /** Writes the decision to {@code event}; nothing when no PDP was asked. */
    public void describe(EventBuilder event) {
        if (outcome == Outcome.NOT_ASKED || event == null) {
            return;
        }
        event.detail(AuditDetails.POLICY_DECISION, label());
        detail(event, AuditDetails.POLICY_DROPPED_ROLES, String.join(" ", new TreeSet<>(droppedRoles)));
        detail(event, AuditDetails.POLICY_DROPPED_SCOPES, String.join(" ", new TreeSet<>(droppedScopes)));
        detail(event, AuditDetails.POLICY_REASON, reason);
        detail(event, AuditDetails.POLICY_ERROR, error);
    }

    private static void detail(EventBuilder event, String key, String value) {
        if (value != null && !value.isEmpty()) {
            event.detail(key, value);
        }
    }
}
