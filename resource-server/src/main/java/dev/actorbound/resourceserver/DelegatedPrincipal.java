package dev.actorbound.resourceserver;

import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a verified token speaks for and who acts with it (PROTOCOL §4): the user is the top-level {@code sub}; the
 * agent acting now is the outermost {@code act}; earlier actors are nested deeper. {@link #chain()} lists them newest
 * first, so {@code chain().get(0)} is {@link #agent()}. A token without {@code act} is not delegated: the user (or a
 * service account) calls the API itself.
 *
 * <p>Authorize on the user, the roles and scopes the token carries (Actorbound already narrowed them to what the
 * user, every agent of the chain and the consent allow) and on the acting agent; earlier actors are for audit.
 */
public final class DelegatedPrincipal implements Principal {

    /** Deeper than any real chain (Actorbound's default limit is 3): a deeper {@code act} is refused as malformed. */
    static final int MAX_NESTING = 32;

    private final String subject;
    private final String username;
    private final String clientId;
    private final String originClientId;
    private final List<Actor> chain;
    private final Set<String> scopes;
    private final Set<String> realmRoles;
    private final Map<String, Set<String>> clientRoles;
    private final List<String> audience;
    private final String issuer;
    private final Instant expiresAt;
    private final Map<String, Object> claims;

    private DelegatedPrincipal(Map<String, ?> claims, String usernameClaim) throws Refusal {
        this.subject = Claims.string(claims, "sub");
        if (subject == null || subject.isEmpty()) {
            throw Refusal.invalidToken("the token names no subject");
        }
        this.username = Claims.string(claims, usernameClaim);
        String azp = Claims.string(claims, "azp");
        this.clientId = azp != null ? azp : Claims.string(claims, "client_id");
        this.originClientId = Claims.string(claims, "origin_client_id");
        this.chain = chainOf(claims);
        this.scopes = Claims.scopes(claims);
        this.realmRoles = Claims.realmRoles(claims);
        this.clientRoles = Claims.clientRoles(claims);
        this.audience = Claims.stringOrList(claims, "aud");
        this.issuer = Claims.string(claims, "iss");
        this.expiresAt = Claims.time(claims, "exp");
        this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** The principal of a JWT's claims (username from {@code preferred_username}); the claims must be verified already. */
    public static DelegatedPrincipal fromTokenClaims(Map<String, ?> claims) throws Refusal {
        return new DelegatedPrincipal(claims, "preferred_username");
    }

    /** The principal of an active RFC 7662 introspection answer (username from {@code username}). */
    static DelegatedPrincipal fromIntrospection(Map<String, ?> answer) throws Refusal {
        return new DelegatedPrincipal(answer, "username");
    }

    private static List<Actor> chainOf(Map<String, ?> claims) throws Refusal {
        List<Actor> chain = new ArrayList<>();
        Map<String, ?> act = Claims.object(claims.get("act"), "act");
        while (act != null) {
            if (chain.size() == MAX_NESTING) {
                throw Claims.malformed("act");
            }
            String sub = Claims.string(act, "sub");
            if (sub == null || sub.isEmpty()) {
                throw Claims.malformed("act");
            }
            chain.add(new Actor(sub, Claims.string(act, "client_id")));
            act = Claims.object(act.get("act"), "act");
        }
        return List.copyOf(chain);
    }

    /** The user's id: the token's {@code sub}. */
    public String subject() {
        return subject;
    }

    /** {@link Principal#getName()}: the user's id ({@code sub}), which, unlike the username, never changes. */
    @Override
    public String getName() {
        return subject;
    }

    /** The user's username ({@code preferred_username}), when the token carries it. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** Whether an agent acts with this token ({@code act} present). */
    public boolean isDelegated() {
        return !chain.isEmpty();
    }

    /** The agent acting now: the outermost {@code act}. */
    public Optional<Actor> agent() {
        return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0));
    }

    /** Every actor, newest (acting now) first; empty when not delegated. */
    public List<Actor> chain() {
        return chain;
    }

    /** The number of actors in the chain: 0 when not delegated, 1 after the code flow, 2 after one hand-off. */
    public int depth() {
        return chain.size();
    }

    /**
     * The client the token was issued to ({@code azp}, else {@code client_id}): the app after the code flow, the
     * requesting agent after an exchange.
     */
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    /**
     * The app the user delegated through: Actorbound's {@code origin_client_id} on exchanged tokens, else
     * {@link #clientId()}.
     */
    public Optional<String> app() {
        return originClientId != null ? Optional.of(originClientId) : clientId();
    }

    public Set<String> scopes() {
        return scopes;
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** {@code realm_access.roles}. */
    public Set<String> realmRoles() {
        return realmRoles;
    }

    /** {@code resource_access.<client>.roles}, by client id. */
    public Map<String, Set<String>> clientRoles() {
        return clientRoles;
    }

    public boolean hasRealmRole(String role) {
        return realmRoles.contains(role);
    }

    public boolean hasClientRole(String client, String role) {
        return clientRoles.getOrDefault(client, Set.of()).contains(role);
    }

    /** {@code aud}. */
    public List<String> audience() {
        return audience;
    }

    /** {@code iss}. */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** {@code exp}. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** Every claim as verified (a JWT's payload, or the introspection answer), for what this class does not name. */
    public Map<String, Object> claims() {
        return claims;
    }

    /** The chain the way Actorbound's events write it, newest first: {@code booking-agent<planner-agent}. */
    public String chainDescription() {
        return chain.stream().map(Actor::name).collect(Collectors.joining("<"));
    }

    /** Names the user and the chain; never a claim value beyond those. */
    @Override
    public String toString() {
        return isDelegated() ? subject + " via " + chainDescription() : subject;
    }
}
