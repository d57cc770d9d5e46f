package dev.actorbound.keycloak.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A PDP's answer to an {@link AuthZenRequest}: one boolean decision per evaluation, in order, each with the reason
 * the PDP gave, if any. Anything else (not JSON, a missing or non-boolean decision, a different number of
 * evaluations) is no answer at all: the caller fails closed.
 */
record AuthZenAnswer(List<Boolean> decisions, List<String> reasons) {

    /** Reasons are for the event and the audit log: bounded, one line. */
    static final int MAX_REASON_LENGTH = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    AuthZenAnswer {
        decisions = List.copyOf(decisions);
        reasons = List.copyOf(reasons);
    }

    /** The answer, or empty when {@code body} is not an AuthZEN evaluations answer with {@code expected} items. */
    static Optional<AuthZenAnswer> parse(String body, int expected) {
        JsonNode evaluations;
        try {
            evaluations = JSON.readTree(body).path("evaluations");
        } catch (java.io.IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
        if (!evaluations.isArray() || evaluations.size() != expected) {
            return Optional.empty();
        }
        List<Boolean> decisions = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (JsonNode evaluation : evaluations) {
            JsonNode decision = evaluation.path("decision");
            if (!decision.isBoolean()) {
                return Optional.empty();
            }
            decisions.add(decision.booleanValue());
            reasons.add(reason(evaluation.path("context")));
        }
        return Optional.of(new AuthZenAnswer(decisions, reasons));
    }

    boolean allows(int item) {
        return decisions.get(item);
    }

    String reason(int item) {
        return reasons.get(item);
    }

    /**
     * {@code context.reason} (PROTOCOL §9), else AuthZEN's {@code reason_admin}, a string or a map of languages to
     * text; {@code ""} when there is none. Control characters are replaced so that a reason stays one line.
     */
    private static String reason(JsonNode context) {
        JsonNode reason = context.path("reason");
        if (!reason.isTextual()) {
            reason = context.path("reason_admin");
        }
        if (reason.isObject()) {
            reason = reason.has("en") ? reason.get("en") : reason.elements().hasNext() ? reason.elements().next() : reason;
        }
        if (!reason.isTextual()) {
            return "";
        }
        String text = reason.asText().replaceAll("\\p{Cntrl}", " ").trim();
        return text.length() > MAX_REASON_LENGTH ? text.substring(0, MAX_REASON_LENGTH) : text;
    }
}
