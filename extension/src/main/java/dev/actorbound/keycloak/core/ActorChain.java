package dev.actorbound.keycloak.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The actors of a delegated token, newest (acting now) first. It maps to RFC 8693's nested {@code act}
 * claim, outermost = newest, and to the audit form {@code booking-agent<planner-agent}.
 */
public record ActorChain(List<Actor> actors) {

    public static final String CLAIM = "act";
    private static final int MAX_PARSE_DEPTH = 32;

    public ActorChain {
        if (actors.isEmpty()) {
            throw new IllegalArgumentException("an actor chain has at least one actor");
        }
        actors = List.copyOf(actors);
    }

    public static ActorChain of(Actor actor) {
        return new ActorChain(List.of(actor));
    }

    public Actor current() {
        return actors.get(0);
    }

    /** The first agent of the chain: the one the user consented to. */
    public Actor root() {
        return actors.get(actors.size() - 1);
    }

    /** The actors' client_ids, newest first. */
    public List<String> clientIds() {
        return actors.stream().map(Actor::clientId).toList();
    }

    public int depth() {
        return actors.size();
    }

    public boolean contains(String clientId) {
        return actors.stream().anyMatch(actor -> actor.clientId().equals(clientId));
    }

    /** The chain after {@code actor} takes over: it becomes the outermost, acting actor. */
    public ActorChain handedTo(Actor actor) {
        List<Actor> next = new ArrayList<>(actors.size() + 1);
        next.add(actor);
        next.addAll(actors);
        return new ActorChain(next);
    }

    public Map<String, Object> toClaim() {
        Map<String, Object> inner = null;
        for (int i = actors.size() - 1; i >= 0; i--) {
            Map<String, Object> act = new LinkedHashMap<>();
            act.put("sub", actors.get(i).sub());
            act.put("client_id", actors.get(i).clientId());
            if (inner != null) {
                act.put(CLAIM, inner);
            }
            inner = act;
        }
        return inner;
    }

    /** Reads a claim value; {@code null} when absent or not a well-formed chain (callers treat that as invalid). */
    public static ActorChain fromClaim(Object claim) {
        List<Actor> actors = new ArrayList<>();
        Object current = claim;
        while (current instanceof Map<?, ?> act && actors.size() < MAX_PARSE_DEPTH) {
            if (!(act.get("sub") instanceof String sub) || !(act.get("client_id") instanceof String clientId)) {
                return null;
            }
            actors.add(new Actor(sub, clientId));
            current = act.get(CLAIM);
        }
        return actors.isEmpty() || current != null ? null : new ActorChain(actors);
    }

    public String serialize() {
        return actors.stream().map(Actor::clientId).collect(Collectors.joining("<"));
    }
}
