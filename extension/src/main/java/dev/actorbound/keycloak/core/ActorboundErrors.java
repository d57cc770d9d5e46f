package dev.actorbound.keycloak.core;

/**
 * The event error codes of Actorbound, beside Keycloak's own {@link org.keycloak.events.Errors}: what an admin sees
 * as the error of a refused request in the Events tab and the audit log. The OAuth error the client gets is always
 * a standard one (RFC 6749, RFC 8693); these name the rule that refused it. Stable: dashboards and alerts use them.
 */
public final class ActorboundErrors {

    /** The agent is disabled, deleted, no longer marked as an agent, or set to Full scope allowed. */
    public static final String AGENT_UNAVAILABLE = "agent_unavailable";
    /** The user revoked the consent the token or code rests on. */
    public static final String CONSENT_REVOKED = "consent_revoked";
    /** No consent of the user covers the next agent of an exchange. */
    public static final String CONSENT_MISSING = "consent_missing";
    /** The my-agents page was asked to revoke a consent the user does not have. */
    public static final String CONSENT_NOT_FOUND = "consent_not_found";
    /** The actor token is not the expected agent's own token. */
    public static final String ACTOR_MISMATCH = "actor_mismatch";
    /** A delegated token was presented as actor token. */
    public static final String DELEGATED_ACTOR_TOKEN = "delegated_actor_token";
    /** The realm requires actor tokens restricted to its token endpoint, and this one is not. */
    public static final String ACTOR_TOKEN_AUDIENCE = "actor_token_audience";
    /** The subject token of an exchange is a service account's own token: there is no user to act for. */
    public static final String SERVICE_ACCOUNT_SUBJECT = "service_account_subject";
    /** The chain would be longer than the server's or an agent's maximum depth. */
    public static final String DELEGATION_TOO_DEEP = "delegation_too_deep";
    /** The next agent is already in the chain. */
    public static final String DELEGATION_LOOP = "delegation_loop";
    /** Keycloak did not build the context the roles are narrowed in; nothing was issued. */
    public static final String DELEGATION_CONTEXT_MISSING = "delegation_context_missing";
    /** The last check before signing found a role, scope or audience beyond the grant; nothing was issued. */
    public static final String DELEGATION_WIDENED = "delegation_widened";
    /** Another grant (UMA, Keycloak's own exchanges, JWT grants) was given a delegated token as input. */
    public static final String DELEGATED_TOKEN_NOT_ACCEPTED = "delegated_token_not_accepted";
    /** The realm's policy decision point refused the delegation, or a scope the client asked for by name. */
    public static final String POLICY_DENIED = "policy_denied";
    /** The realm's policy decision point could not be asked or gave no usable answer; nothing was issued. */
    public static final String POLICY_UNAVAILABLE = "policy_unavailable";

    private ActorboundErrors() {
    }
}
