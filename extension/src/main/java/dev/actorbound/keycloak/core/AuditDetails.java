package dev.actorbound.keycloak.core;

/** Event detail keys added to Keycloak's own events, so delegations show in the admin console's Events tab. */
public final class AuditDetails {

    /** client_id of the agent acting now (the outermost actor). */
    public static final String ACTOR = "actor";
    /** The whole chain, newest actor first, e.g. {@code booking-agent<planner-agent}. */
    public static final String ACTOR_CHAIN = "actor_chain";
    /** Service-account id of the agent acting now: the {@code act.sub} of the token. */
    public static final String ACTOR_SUB = "actor_sub";
    /**
     * client_id of the app the user consented through. Set on every delegated token issued: on an exchange or a
     * refresh the event's own client is the requester, which need not be that app.
     */
    public static final String APP = "app";
    /** Roles the delegated token finally carries: realm roles by name, client roles as {@code client:role}. */
    public static final String GRANTED_ROLES = "granted_roles";
    /** When the realm has a policy decision point: {@code allowed}, {@code narrowed}, {@code denied} or {@code unavailable}. */
    public static final String POLICY_DECISION = "policy_decision";
    /** Candidate roles the policy took away, labelled like {@link #GRANTED_ROLES}. */
    public static final String POLICY_DROPPED_ROLES = "policy_dropped_roles";
    /** Candidate scopes the policy took away. */
    public static final String POLICY_DROPPED_SCOPES = "policy_dropped_scopes";
    /** The policy decision point's own reason, if it gave one; never sent to the client. */
    public static final String POLICY_REASON = "policy_reason";
    /** Why the policy decision point could not decide. */
    public static final String POLICY_ERROR = "policy_error";

    private AuditDetails() {
    }
}
