package dev.actorbound.keycloak.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Turns a reference (client_id, client UUID or service-account user id) into an {@link Agent}, and only when
 * the client is, right now, an enabled confidential client marked as an agent, with a service account that holds
 * {@code ai-agent} and with <em>Full scope allowed</em> off (Keycloak's default is on, which would let the agent use
 * every role of the user). Every request resolves again, so disabling an agent takes effect at once; within one
 * request an agent found by client_id is looked up once (introspection and liveness both walk the same chain).
 */
public final class AgentResolver {

    private static final String RESOLVED_ATTRIBUTE = AgentResolver.class.getName() + ".resolved";

    private final KeycloakSession session;
    private final RealmModel realm;

    public AgentResolver(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Resolves what an app sent as {@code requested_actor}: a client_id or a service-account user id. */
    public Optional<Agent> byReference(String reference) {
        return asAgent(clientOf(reference));
    }

    /**
     * Whether {@code reference} names what would be an agent but for <em>Full scope allowed</em>: the one
     * misconfiguration worth naming to the app, so that its admin knows what to switch off.
     */
    public boolean isFullScopeAgent(String reference) {
        ClientModel client = clientOf(reference);
        return client != null && client.isFullScopeAllowed() && isAgentClient(client);
    }

    /**
     * Every agent that work can reach from {@code agent} through hand-offs ({@code actorbound.delegates}, followed
     * transitively) within a chain of at most {@code maxDepth} actors, nearest first. The consent page lists all of
     * them: a user who consents to an agent consents to every agent its chain may end with.
     */
    public List<Agent> reachableDelegates(Agent agent, int maxDepth) {
        Map<String, Agent> reached = new LinkedHashMap<>();
        List<Agent> frontier = List.of(agent);
        for (int depth = 1; depth < maxDepth && !frontier.isEmpty(); depth++) {
            List<Agent> next = new ArrayList<>();
            for (Agent from : frontier) {
                for (String clientId : from.settings().delegates()) {
                    if (!clientId.equals(agent.clientId()) && !reached.containsKey(clientId)) {
                        byClientId(clientId).ifPresent(found -> {
                            reached.put(clientId, found);
                            next.add(found);
                        });
                    }
                }
            }
            frontier = next;
        }
        return List.copyOf(reached.values());
    }

    private ClientModel clientOf(String reference) {
        ClientModel client = realm.getClientByClientId(reference);
        if (client == null) {
            UserModel user = session.users().getUserById(realm, reference);
            String link = user == null ? null : user.getServiceAccountClientLink();
            client = link == null ? null : realm.getClientById(link);
        }
        return client;
    }

    public Optional<Agent> byClientUuid(String clientUuid) {
        return asAgent(clientUuid == null ? null : realm.getClientById(clientUuid));
    }

    public Optional<Agent> byClientId(String clientId) {
        if (clientId == null) {
            return Optional.empty();
        }
        return resolvedInThisRequest().computeIfAbsent(realm.getId() + "/" + clientId,
                key -> asAgent(realm.getClientByClientId(clientId)));
    }

    /** Lives as long as the request's session; nothing in a request changes an agent after resolving it. */
    @SuppressWarnings("unchecked")
    private Map<String, Optional<Agent>> resolvedInThisRequest() {
        Map<String, Optional<Agent>> resolved = session.getAttribute(RESOLVED_ATTRIBUTE, Map.class);
        if (resolved == null) {
            resolved = new HashMap<>();
            session.setAttribute(RESOLVED_ATTRIBUTE, resolved);
        }
        return resolved;
    }

    /**
     * The agent an actor of a token names ({@code act.client_id}, {@code act.sub}), only while it is still an agent
     * with that very service account: a client re-created under the same client_id is another agent.
     */
    public Optional<Agent> byActor(String clientId, String serviceAccountId) {
        return byClientId(clientId).filter(agent -> agent.serviceAccountId().equals(serviceAccountId));
    }

    private Optional<Agent> asAgent(ClientModel client) {
        if (client == null || client.isFullScopeAllowed()) {
            return Optional.empty();
        }
        return Optional.ofNullable(agentServiceAccount(client)).map(serviceAccount -> new Agent(client, serviceAccount));
    }

    private boolean isAgentClient(ClientModel client) {
        return agentServiceAccount(client) != null;
    }

    /** The client's service account if the client is an agent but for its scope setting; looked up once per check. */
    private UserModel agentServiceAccount(ClientModel client) {
        if (!client.isEnabled() || client.isPublicClient() || client.isBearerOnly() || !client.isServiceAccountsEnabled()
                || !isMarked(client)) {
            return null;
        }
        UserModel serviceAccount = session.users().getServiceAccount(client);
        RoleModel agentRole = realm.getRole(AgentAttributes.AGENT_ROLE);
        boolean agent = serviceAccount != null && serviceAccount.isEnabled() && agentRole != null && serviceAccount.hasRole(agentRole);
        return agent ? serviceAccount : null;
    }

    /** Whether an admin who may edit the client marked it as an agent ({@link AgentAttributes#AGENT_MARKER}). */
    public static boolean isMarked(ClientModel client) {
        return Boolean.parseBoolean(client.getAttribute(AgentAttributes.AGENT_MARKER));
    }
}
