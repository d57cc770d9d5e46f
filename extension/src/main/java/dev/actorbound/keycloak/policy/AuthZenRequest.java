package dev.actorbound.keycloak.policy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One AuthZEN Access Evaluations request (PROTOCOL §9): the delegation itself first, then one evaluation per
 * candidate role and per candidate scope, in that order. Each item repeats the whole resource, since AuthZEN items
 * replace the request's defaults rather than merge with them.
 */
final class AuthZenRequest {

    static final String DELEGATE = "delegate";
    static final String USE_ROLE = "use_role";
    static final String USE_SCOPE = "use_scope";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The user: id, username, live roles, and the attributes the realm sends, by name. */
    record Subject(String id, String username, List<String> roles, Map<String, List<String>> attributes) {
    }

    /** The resource {@code delegation}; roles and scopes are the candidates, sorted. */
    record Delegation(String agent, String agentSub, String app, List<String> actorChain, String grant,
                      List<String> audience, List<String> scopes, List<String> roles) {
    }

    private final Delegation delegation;
    private final ObjectNode body;

    private AuthZenRequest(Delegation delegation, ObjectNode body) {
        this.delegation = delegation;
        this.body = body;
    }

    static AuthZenRequest of(Subject subject, Delegation delegation, String realm, Instant time) {
        ObjectNode body = JSON.createObjectNode();
        body.set("subject", subject(subject));
        body.putObject("action").put("name", DELEGATE);
        body.set("resource", resource("delegation", delegation.agent(), delegation));
        ObjectNode context = body.putObject("context");
        context.put("realm", realm);
        context.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        ArrayNode evaluations = body.putArray("evaluations");
        evaluations.addObject();
        delegation.roles().forEach(role -> evaluations.add(item(USE_ROLE, "role", role, delegation)));
        delegation.scopes().forEach(scope -> evaluations.add(item(USE_SCOPE, "scope", scope, delegation)));
        return new AuthZenRequest(delegation, body);
    }

    /** How many evaluations the answer must hold, one per item, in order. */
    int size() {
        return 1 + delegation.roles().size() + delegation.scopes().size();
    }

    List<String> roles() {
        return delegation.roles();
    }

    List<String> scopes() {
        return delegation.scopes();
    }

    String json() {
        return body.toString();
    }

    /** The request without its time: equal questions give equal keys, which is what the decision cache needs. */
    String cacheKey() {
        ObjectNode timeless = body.deepCopy();
        ((ObjectNode) timeless.get("context")).remove("time");
        return timeless.toString();
    }

    private static ObjectNode subject(Subject subject) {
        ObjectNode node = JSON.createObjectNode().put("type", "user").put("id", subject.id());
        ObjectNode properties = node.putObject("properties");
        // The realm's chosen attributes first, so that they can never replace the username or the live roles.
        subject.attributes().forEach((name, values) -> {
            if (values.size() == 1) {
                properties.put(name, values.get(0));
            } else if (!values.isEmpty()) {
                values.forEach(properties.putArray(name)::add);
            }
        });
        properties.put("username", subject.username());
        strings(properties.putArray("roles"), subject.roles());
        return node;
    }

    private static ObjectNode item(String action, String type, String id, Delegation delegation) {
        ObjectNode item = JSON.createObjectNode();
        item.putObject("action").put("name", action);
        item.set("resource", resource(type, id, delegation));
        return item;
    }

    private static ObjectNode resource(String type, String id, Delegation delegation) {
        ObjectNode resource = JSON.createObjectNode().put("type", type).put("id", id);
        ObjectNode properties = resource.putObject("properties");
        properties.put("agent", delegation.agent());
        properties.put("agent_sub", delegation.agentSub());
        properties.put("app", delegation.app());
        strings(properties.putArray("actor_chain"), delegation.actorChain());
        properties.put("depth", delegation.actorChain().size());
        properties.put("grant", delegation.grant());
        strings(properties.putArray("audience"), delegation.audience());
        strings(properties.putArray("scopes"), delegation.scopes());
        strings(properties.putArray("roles"), delegation.roles());
        return resource;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
