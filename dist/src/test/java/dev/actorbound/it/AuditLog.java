package dev.actorbound.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The audit trail as a log shipper sees it: the lines of category {@code actorbound.audit} in the server log, the
 * JSON message of each parsed on its own, kept for one realm. Keycloak's console format puts timestamp, level,
 * {@code [category]} and {@code (thread)} before the message; the message is taken from the first brace after the
 * category, so another format prefix would not confuse it.
 */
final class AuditLog {

    static final String CATEGORY = "actorbound.audit";
    private static final String MARKER = "[" + CATEGORY + "]";
    /** Lines are written when the request's transaction commits, which may be just after the client has its answer. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KeycloakServer server;
    private final String realm;

    AuditLog(KeycloakServer server, String realm) {
        this.server = server;
        this.realm = realm;
    }

    /** The raw log lines of the category for this realm, JSON message included, as written. */
    List<String> rawLines() {
        List<String> lines = new ArrayList<>();
        for (String line : readLog()) {
            if (message(line).map(json -> realm.equals(json.path("realm").asText())).orElse(false)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The parsed JSON messages of the category for this realm, oldest first. */
    List<JsonNode> entries() {
        return rawLines().stream().map(line -> message(line).orElseThrow()).toList();
    }

    /** The entry with this event id, waiting for it to be written; fails with the realm's entries when it never comes. */
    JsonNode awaitEvent(String eventId) {
        return await("event " + eventId, entry -> eventId.equals(entry.path("event_id").asText()));
    }

    JsonNode await(String description, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<JsonNode> found = entries().stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + CATEGORY + " line for " + description + " in realm " + realm
                        + " within " + WAIT.toSeconds() + " s; entries: " + entries() + "\nlog tail:\n" + server.logTail(30));
            }
            pause();
        }
    }

    private static Optional<JsonNode> message(String line) {
        int marker = line.indexOf(MARKER);
        int start = marker < 0 ? -1 : line.indexOf('{', marker + MARKER.length());
        if (start < 0) {
            return Optional.empty();
        }
        JsonNode json = Admin.read(line.substring(start).trim());
        return json.isObject() ? Optional.of(json) : Optional.empty();
    }

    /** Decoded leniently: the server may be half-way through writing the last line. */
    private List<String> readLog() {
        try {
            return new String(Files.readAllBytes(server.logFile()), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
