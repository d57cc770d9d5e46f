package dev.actorbound.keycloak.audit;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actorbound.keycloak.core.AuditDetails;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

/**
 * One line of the audit log: a whitelist of fields read from a delegation event, never the whole detail map, so
 * that whatever other code adds to an event cannot leak into log shippers. As a second guard, a value that contains
 * something shaped like a JWT is left out and its field named under {@code redacted}. Jackson escapes control
 * characters, so a value can never break the one-line-per-event format.
 */
final class AuditLine {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A JWS or JWE compact serialization: base64url of a JSON header ({@code eyJ}) followed by at least two dots. */
    private static final Pattern TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.");
    /** What a JWT starts with: a value without it needs no search (every delegation event renders a line). */
    private static final String TOKEN_START = "eyJ";
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern CHAIN = Pattern.compile("<", Pattern.LITERAL);
    /** Events whose requesting client is, by protocol, the app the user delegates through. */
    private static final Set<EventType> CLIENT_IS_APP = EnumSet.of(EventType.LOGIN, EventType.LOGIN_ERROR,
            EventType.CODE_TO_TOKEN, EventType.CODE_TO_TOKEN_ERROR, EventType.GRANT_CONSENT, EventType.GRANT_CONSENT_ERROR,
            EventType.UPDATE_CONSENT, EventType.UPDATE_CONSENT_ERROR, EventType.REFRESH_TOKEN, EventType.REFRESH_TOKEN_ERROR);

    private final ObjectNode json = JSON.createObjectNode();
    private final ArrayNode redacted = JSON.createArrayNode();

    private AuditLine() {
    }

    static String render(DelegationEvent delegation, boolean includeIpAddress) {
        Event event = delegation.event();
        AuditLine line = new AuditLine();
        line.put("timestamp", Instant.ofEpochMilli(event.getTime()).toString());
        line.put("event_id", event.getId());
        line.put("realm", event.getRealmName());
        line.put("type", event.getType().name());
        line.put("outcome", event.getError() == null ? "success" : "failure");
        line.put("error", event.getError());
        line.put("user_id", event.getUserId());
        line.put("client", event.getClientId());
        line.put("app", app(delegation));
        line.put("actor", delegation.actor());
        line.put("actor_sub", delegation.detail(AuditDetails.ACTOR_SUB));
        line.put("actor_chain", delegation.detail(AuditDetails.ACTOR_CHAIN));
        line.putList("actors", delegation.detail(AuditDetails.ACTOR_CHAIN), CHAIN);
        line.putList("audience", delegation.detail(Details.AUDIENCE), SPACES);
        line.putList("granted_roles", delegation.detail(AuditDetails.GRANTED_ROLES), SPACES);
        line.putList("scope", delegation.detail(Details.SCOPE), SPACES);
        line.put("reason", delegation.detail(Details.REASON));
        line.put("policy_decision", delegation.detail(AuditDetails.POLICY_DECISION));
        line.putList("policy_dropped_roles", delegation.detail(AuditDetails.POLICY_DROPPED_ROLES), SPACES);
        line.putList("policy_dropped_scopes", delegation.detail(AuditDetails.POLICY_DROPPED_SCOPES), SPACES);
        line.put("policy_reason", delegation.detail(AuditDetails.POLICY_REASON));
        line.put("policy_error", delegation.detail(AuditDetails.POLICY_ERROR));
        if (includeIpAddress) {
            line.put("ip_address", event.getIpAddress());
        }
        if (!line.redacted.isEmpty()) {
            line.json.set("redacted", line.redacted);
        }
        return line.json.toString();
    }

    /** The app the user consented through: named by the delegated grant, else the requesting client where that is the app. */
    private static String app(DelegationEvent delegation) {
        String app = delegation.detail(AuditDetails.APP);
        if (app != null) {
            return app;
        }
        String client = delegation.event().getClientId();
        return CLIENT_IS_APP.contains(delegation.event().getType()) && !delegation.actor().equals(client) ? client : null;
    }

    private void put(String field, String value) {
        if (value != null && !value.isBlank() && admissible(field, value)) {
            json.put(field, value);
        }
    }

    private void putList(String field, String value, Pattern separator) {
        if (value != null && !value.isBlank() && admissible(field, value)) {
            ArrayNode list = json.putArray(field);
            Arrays.stream(separator.split(value.trim())).filter(item -> !item.isBlank()).forEach(list::add);
        }
    }

    private boolean admissible(String field, String value) {
        if (value.contains(TOKEN_START) && TOKEN.matcher(value).find()) {
            redacted.add(field);
            return false;
        }
        return true;
    }
}
