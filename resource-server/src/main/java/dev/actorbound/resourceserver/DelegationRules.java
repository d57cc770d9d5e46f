package dev.actorbound.resourceserver;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a resource (or one of its routes) asks of a verified token beyond its validity: scopes and roles it must
 * carry, whether an agent must (or which agents may) act with it, how long the chain may be. Immutable; build with
 * {@link #builder()}. {@link #none()} accepts every valid token.
 *
 * <p>Agent rules look at the acting agent, the outermost {@code act}, matched by {@code act.client_id}: that is the
 * actor Actorbound authorized for this call (PROTOCOL §4). An actor without {@code client_id} matches no allowed agent.
 */
public final class DelegationRules {

    private static final DelegationRules NONE = builder().build();

    private final Set<String> requiredScopes;
    private final Set<String> requiredRealmRoles;
    private final Map<String, Set<String>> requiredClientRoles;
    private final boolean delegationRequired;
    private final Set<String> allowedAgents;
    private final int maxDepth;

    private DelegationRules(Builder b) {
        this.requiredScopes = Collections.unmodifiableSet(new LinkedHashSet<>(b.requiredScopes));
        this.requiredRealmRoles = Collections.unmodifiableSet(new LinkedHashSet<>(b.requiredRealmRoles));
        Map<String, Set<String>> clientRoles = new LinkedHashMap<>();
        b.requiredClientRoles.forEach((client, roles) -> clientRoles.put(client, Collections.unmodifiableSet(new LinkedHashSet<>(roles))));
        this.requiredClientRoles = Collections.unmodifiableMap(clientRoles);
        this.delegationRequired = b.delegationRequired;
        this.allowedAgents = b.allowedAgents == null ? null : Set.copyOf(b.allowedAgents);
        this.maxDepth = b.maxDepth;
    }

    public static DelegationRules none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks {@code principal}; the first broken rule is a {@code 403 insufficient_scope} refusal whose description
     * names the rule (and, for scopes, whose challenge names the scopes needed).
     */
    public void check(DelegatedPrincipal principal) throws Refusal {
        Set<String> missing = new LinkedHashSet<>(requiredScopes);
        missing.removeAll(principal.scopes());
        if (!missing.isEmpty()) {
            throw Refusal.insufficientScope("the token lacks the scope " + String.join(" ", missing), requiredScopes);
        }
        for (String role : requiredRealmRoles) {
            if (!principal.hasRealmRole(role)) {
                throw Refusal.insufficientScope("the token lacks the role " + role, Set.of());
            }
        }
        for (Map.Entry<String, Set<String>> client : requiredClientRoles.entrySet()) {
            for (String role : client.getValue()) {
                if (!principal.hasClientRole(client.getKey(), role)) {
                    throw Refusal.insufficientScope("the token lacks the role " + client.getKey() + ":" + role, Set.of());
                }
            }
        }
        checkChain(principal);
    }

    private void checkChain(DelegatedPrincipal principal) throws Refusal {
        if (!principal.isDelegated()) {
            if (delegationRequired || allowedAgents != null) {
                throw Refusal.insufficientScope("this resource accepts only delegated tokens (with act)", Set.of());
            }
            return;
        }
        if (principal.depth() > maxDepth) {
            throw Refusal.insufficientScope("the delegation chain is longer than " + maxDepth + " for this resource", Set.of());
        }
        if (allowedAgents != null) {
            String agent = principal.agent().flatMap(Actor::clientId).orElse(null);
            if (agent == null || !allowedAgents.contains(agent)) {
                throw Refusal.insufficientScope("the acting agent is not allowed for this resource", Set.of());
            }
        }
    }

    public Set<String> requiredScopes() {
        return requiredScopes;
    }

    /** Builds {@link DelegationRules}; every method adds to what was set before. */
    public static final class Builder {

        private final Set<String> requiredScopes = new LinkedHashSet<>();
        private final Set<String> requiredRealmRoles = new LinkedHashSet<>();
        private final Map<String, Set<String>> requiredClientRoles = new LinkedHashMap<>();
        private boolean delegationRequired;
        private Set<String> allowedAgents;
        private int maxDepth = Integer.MAX_VALUE;

        private Builder() {
        }

        /** Every one of these scopes must be in the token's {@code scope}. */
        public Builder requireScopes(String... scopes) {
            requiredScopes.addAll(List.of(scopes));
            return this;
        }

        /** Every one of these realm roles must be in {@code realm_access.roles}. */
        public Builder requireRealmRoles(String... roles) {
            requiredRealmRoles.addAll(List.of(roles));
            return this;
        }

        /** Every one of these roles of {@code client} must be in {@code resource_access.<client>.roles}. */
        public Builder requireClientRoles(String client, String... roles) {
            requiredClientRoles.computeIfAbsent(client, c -> new LinkedHashSet<>()).addAll(List.of(roles));
            return this;
        }

        /** Only delegated tokens (with {@code act}): the user's own token, or a service account's, is refused. */
        public Builder requireDelegation() {
            delegationRequired = true;
            return this;
        }

        /**
         * Only these agents (client ids) may act with the token; implies {@link #requireDelegation()}. Called again,
         * it adds to the list.
         */
        public Builder allowAgents(String... clientIds) {
            if (allowedAgents == null) {
                allowedAgents = new LinkedHashSet<>();
            }
            allowedAgents.addAll(List.of(clientIds));
            return this;
        }

        /** At most {@code depth} actors in the chain (1: only the agent the user consented to, no hand-off). */
        public Builder maxDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("maxDepth must be at least 1");
            }
            maxDepth = depth;
            return this;
        }

        public DelegationRules build() {
            return new DelegationRules(this);
        }
    }
}
