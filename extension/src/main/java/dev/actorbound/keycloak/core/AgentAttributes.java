package dev.actorbound.keycloak.core;

/**
 * Names shared by admins, the runtime and the tests. Client attributes are what the admin console,
 * admin REST, kcadm and realm import all write, so one set of keys serves every way of configuring an agent.
 */
public final class AgentAttributes {

    /** Realm role that marks a client's service account as an agent. */
    public static final String AGENT_ROLE = "ai-agent";
    public static final String AGENT_ROLE_DESCRIPTION =
            "Marks a service account as an AI agent that may act on behalf of users who consent to it.";
    /**
     * Client attribute ({@code true}) that an agent needs besides {@link #AGENT_ROLE}. Any manage-users admin may
     * map the role, and any manage-realm admin may fold it into the default or a composite role; only an admin who may
     * edit the client can set its attributes, so making an agent takes the client's own administrators.
     */
    public static final String AGENT_MARKER = "actorbound.agent";

    /** Apps allowed to request this agent (client_ids, comma or space separated); unset means any app. */
    public static final String ALLOWED_CLIENTS = "actorbound.allowed-clients";
    /** Agents this agent may hand work to in a delegation chain (client_ids). */
    public static final String DELEGATES = "actorbound.delegates";
    /** Maximum number of actors in a chain that ends with this agent. */
    public static final String MAX_CHAIN_DEPTH = "actorbound.max-chain-depth";
    /** Whether a delegated code may yield a refresh token. */
    public static final String REFRESH_ALLOWED = "actorbound.refresh-allowed";
    /** Keycloak's own per-client "Access Token Lifespan"; used as the agent's delegated token lifetime. */
    public static final String TOKEN_LIFESPAN = "access.token.lifespan";

    /** The authorization request parameter of the draft. */
    public static final String REQUESTED_ACTOR = "requested_actor";
    public static final int REQUESTED_ACTOR_MAX_LENGTH = 255;

    private AgentAttributes() {
    }
}
