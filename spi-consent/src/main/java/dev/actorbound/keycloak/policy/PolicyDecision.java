package dev.actorbound.keycloak.policy;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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

    /** The event error of a delegation the policy refuses, and of one it could not decide. */
    public static final String POLICY_DENIED = "policy_denied";
    public static final String POLICY_UNAVAILABLE = "policy_unavailable";

    /** Event details: {@code allowed}, {@code narrowed}, {@code denied} or {@code unavailable}. */
    public static final String DECISION_DETAIL = "policy_decision";
    public static final String DROPPED_ROLES_DETAIL = "policy_dropped_roles";
    public static final String DROPPED_SCOPES_DETAIL = "policy_dropped_scopes";
    public static final String REASON_DETAIL = "policy_reason";
    public static final String ERROR_DETAIL = "policy_error";

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

    /** The value of the {@value #DECISION_DETAIL} detail. */
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
        event.detail(DECISION_DETAIL, label());
        detail(event, DROPPED_ROLES_DETAIL, String.join(" ", new TreeSet<>(droppedRoles)));
        detail(event, DROPPED_SCOPES_DETAIL, String.join(" ", new TreeSet<>(droppedScopes)));
        detail(event, REASON_DETAIL, reason);
        detail(event, ERROR_DETAIL, error);
    }

    private static void detail(EventBuilder event, String key, String value) {
        if (value != null && !value.isEmpty()) {
            event.detail(key, value);
        }
    }
}
