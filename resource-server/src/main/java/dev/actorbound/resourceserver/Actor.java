package dev.actorbound.resourceserver;

import java.util.Objects;
import java.util.Optional;

/**
 * One actor of a delegation chain, as an {@code act} object of a token names it (RFC 8693 §4.1): {@code sub} is the
 * agent's service-account user id, {@code client_id} the agent's client id (Actorbound always writes both; another
 * issuer may write only {@code sub}).
 */
public final class Actor {

    private final String subject;
    private final String clientId;

    public Actor(String subject, String clientId) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("an actor needs a subject");
        }
        this.subject = subject;
        this.clientId = clientId;
    }

    /** {@code act.sub}: the agent's service-account user id. */
    public String subject() {
        return subject;
    }

    /** {@code act.client_id}, when the token names it. */
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    /** The client id when there is one, else the subject: how logs and chains name an actor. */
    public String name() {
        return clientId != null ? clientId : subject;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Actor other && subject.equals(other.subject) && Objects.equals(clientId, other.clientId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, clientId);
    }

    @Override
    public String toString() {
        return name();
    }
}
