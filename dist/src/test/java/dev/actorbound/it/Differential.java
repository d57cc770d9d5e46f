package dev.actorbound.it;

import dev.actorbound.keycloak.account.MyAgentsClient;
import dev.actorbound.keycloak.core.ActorTokenAudience;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.ConsentStep;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a plain client sees of one scenario, made comparable across two servers, and the comparison itself.
 *
 * <p>An {@link Observation} records, step by step, what came back: status, the headers that matter, JSON bodies and
 * decoded JWTs. {@link #normalize} then replaces what differs by nature (the server's base URL, UUIDs, times, session
 * ids, codes, hashes, key ids, signatures) with placeholders and keeps everything else literally, so that error codes,
 * descriptions, claim names and types, {@code typ}, {@code azp}, {@code scope}, {@code aud} and roles are compared as
 * they are. {@link #assertSame} flattens both sides into {@code path = value} lines and fails with every line that
 * differs and is not one of the {@link #INTENDED} differences.
 */
final class Differential {

    /** Both partial exports of the export scenario: the realm's own, and the one of the copy imported from it. */
    private static final String EXPORTS = "export-import/(partial export|re-export)\\.body\\.";

    /**
     * The differences the extension makes on purpose, visible to a plain client or an admin: the only ones allowed.
     * Each names what differs, why, and the flattened paths ({@code scenario/step.path}) it may show up under. Keep the
     * list short and each reason one line; a new entry needs a review.
     */
    static final List<Intended> INTENDED = List.of(
            new Intended("discovery advertises the requested_actor authorization parameter and the actor token types",
                    "discovery/openid-configuration\\.body\\.(requested_actor_supported|actor_token_types_supported(\\[=.*\\])?)"),
            new Intended("the client scope " + ActorTokenAudience.SCOPE + " (agents ask for it to get actor tokens) is created in "
                    + "every realm as a default optional scope, so clients created later may ask for it; listed like any realm scope",
                    "realm/client-scopes\\.body\\." + entry(ActorTokenAudience.SCOPE),
                    "realm/default-optional-client-scopes\\.body\\." + entry(ActorTokenAudience.SCOPE),
                    "realm/client created after installation\\.body\\.optionalClientScopes\\[=" + q(ActorTokenAudience.SCOPE) + "\\]",
                    "discovery/[a-z0-9-]+\\.body\\.scopes_supported\\[=" + q(ActorTokenAudience.SCOPE) + "\\]",
                    EXPORTS + "clientScopes\\[name=" + entry(ActorTokenAudience.SCOPE + "]"),
                    EXPORTS + "defaultOptionalClientScopes\\[=" + q(ActorTokenAudience.SCOPE) + "\\]"),
            new Intended("the public client " + MyAgentsClient.CLIENT_ID + " (the \"Agents that act for me\" page) is created in every realm",
                    "realm/clients\\.body\\." + entry(MyAgentsClient.CLIENT_ID),
                    EXPORTS + "clients\\[clientId=" + entry(MyAgentsClient.CLIENT_ID + "]"),
                    EXPORTS + "roles\\.client\\." + q(MyAgentsClient.CLIENT_ID)),
            new Intended("the realm role " + AgentAttributes.AGENT_ROLE + ", which makes a service account an agent, is created in every realm",
                    "realm/roles\\.body\\." + entry(AgentAttributes.AGENT_ROLE),
                    EXPORTS + "roles\\.realm\\[name=" + entry(AgentAttributes.AGENT_ROLE + "]")),
            new Intended("the agent consent required action " + ConsentStep.ID + " is registered in every realm (it fires only for "
                    + "delegated logins)",
                    "realm/required-actions\\.body\\." + entry(ConsentStep.ID),
                    EXPORTS + "requiredActions\\[alias=" + entry(ConsentStep.ID + "]")),
            new Intended("an exchange with an actor_token is a delegation request: the jar answers it (refusing a non-agent) where "
                    + "stock standard token exchange ignores the actor_token and issues a token",
                    "actor-token-exchange/exchange\\.status", "actor-token-exchange/exchange\\.body(\\..*)?",
                    "actor-token-exchange/events\\.body\\.001\\.(type|error|userId|sessionId|details\\..*)"));

    private static String q(String literal) {
        return Pattern.quote(literal);
    }

    /** A named entry and everything under it. */
    private static String entry(String name) {
        return q(name) + "(\\..*)?";
    }

    /** An allowed difference: why the extension makes it, and the flattened paths it may appear under. */
    record Intended(String reason, String... paths) {
        boolean matches(String flattenedPath) {
            for (String path : paths) {
                if (Pattern.matches(path, flattenedPath)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Keys whose values differ between any two runs: only their type is compared. */
    private static final Set<String> VOLATILE = Set.of("exp", "iat", "nbf", "auth_time", "at_hash", "c_hash", "s_hash",
            "kid", "sid", "session_state", "code", "time", "id", "createdTimestamp", "sessionId", "code_id",
            "token_id", "refresh_token_id", "jti", "user_code", "device_code", "auth_req_id", "request_uri", "x5t", "x5t#S256",
            "secret", "ipAddress", "updated_session_state", "nonce_value", "signature", "userId", "containerId",
            "notBefore", "created_at", "last_refresh", "started", "lastAccess", "start", "parentId", "n", "x5c", "x", "y",
            "public_key", "publicKey", "certificate", "client.secret.creation.time", "tab_id", "client_data");
    /** Headers a client acts on; others (dates, lengths, server-chosen cookies) are left out. */
    private static final List<String> HEADERS = List.of("Content-Type", "Cache-Control", "Pragma", "WWW-Authenticate",
            "Location", "Referrer-Policy", "X-Content-Type-Options");
    /** Fields that name a representation in a list, tried in this order. */
    private static final List<String> KEY_FIELDS = List.of("clientId", "alias", "username", "name");
    private static final Pattern VOLATILE_QUERY = Pattern.compile("([?&](?:user_code|tab_id|client_data|code|session_state|execution)=)[^&#\"]*");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]*");

    private Differential() {
    }

    /** Everything one scenario saw on one server, in the order it happened. */
    static final class Observation {
        private final String baseUrl;
        private final ObjectNode steps = Admin.JSON.createObjectNode();

        Observation(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** An HTTP answer: status, the headers that matter ({@code DPoP-Nonce} by presence) and the body. */
        Observation http(String step, int status, HttpHeaders headers, JsonNode body) {
            ObjectNode node = steps.putObject(unique(step));
            node.put("status", status);
            ObjectNode kept = node.putObject("headers");
            for (String name : HEADERS) {
                headers.firstValue(name).ifPresent(value -> kept.put(name, value));
            }
            kept.put("DPoP-Nonce", headers.firstValue("DPoP-Nonce").isPresent() ? "present" : "absent");
            node.set("body", body == null ? Admin.JSON.missingNode() : body);
            return this;
        }

        Observation http(String step, OAuth.TokenResponse response) {
            return http(step, response.status(), response.headers(), response.body());
        }

        /** Any JSON value (a list of events, a representation). */
        Observation json(String step, JsonNode value) {
            steps.putObject(unique(step)).set("body", value);
            return this;
        }

        /** Values whose order is part of what is compared (events, oldest first), keyed by their position. */
        Observation sequence(String step, List<JsonNode> values) {
            ObjectNode body = steps.putObject(unique(step)).putObject("body");
            for (int i = 0; i < values.size(); i++) {
                body.set(String.format("%03d", i), values.get(i));
            }
            return this;
        }

        /** The query parameters of a redirect back to the client (the callback). */
        Observation callback(String step, Map<String, String> query, int status, String page) {
            ObjectNode node = steps.putObject(unique(step));
            node.set("query", Admin.JSON.valueToTree(query));
            if (query.isEmpty()) {
                node.put("status", status);
                node.put("page", page == null ? "" : pageSummary(page));
            }
            return this;
        }

        private String unique(String step) {
            String name = step;
            for (int n = 2; steps.has(name); n++) {
                name = step + "#" + n;
            }
            return name;
        }

        ObjectNode normalized() {
            return (ObjectNode) normalize(steps, null, baseUrl);
        }
    }

    /** The error text of a page Keycloak showed instead of redirecting: its title and its error message. */
    private static String pageSummary(String page) {
        String title = between(page, "<title>", "</title>");
        String message = between(page, "class=\"instruction\">", "<");
        if (message.isEmpty()) {
            message = between(page, "id=\"kc-error-message\"", "</div>").replaceAll("<[^>]+>|^>", " ");
        }
        return (title + " | " + message).replaceAll("\\s+", " ").trim();
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            return "";
        }
        from += start.length();
        int to = text.indexOf(end, from);
        return to < 0 ? "" : text.substring(from, to);
    }

    /** Fails unless both sides saw the same, apart from {@link #INTENDED} differences; the message lists each line. */
    static void assertSame(String scenario, Observation stock, Observation withJar) {
        Map<String, String> left = flatten(scenario, stock.normalized());
        Map<String, String> right = flatten(scenario, withJar.normalized());
        List<String> unexpected = new ArrayList<>();
        TreeMap<String, String> all = new TreeMap<>(left);
        all.putAll(right);
        for (String path : all.keySet()) {
            String a = left.get(path);
            String b = right.get(path);
            if (a != null && a.equals(b)) {
                continue;
            }
            if (INTENDED.stream().anyMatch(intended -> intended.matches(path))) {
                continue;
            }
            unexpected.add("  " + path + "\n      stock:    " + (a == null ? "(absent)" : a)
                    + "\n      with jar: " + (b == null ? "(absent)" : b));
        }
        if (!unexpected.isEmpty()) {
            throw new AssertionError("the extension changes what a plain client sees in scenario '" + scenario + "' ("
                    + unexpected.size() + " difference(s) not in Differential.INTENDED):\n" + String.join("\n", unexpected));
        }
    }

    /** Placeholders for what differs by nature; JWTs become their decoded header and claims. */
    static JsonNode normalize(JsonNode node, String key, String baseUrl) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return node;
        }
        if (key != null && VOLATILE.contains(key)) {
            return Admin.JSON.getNodeFactory().textNode("{" + type(node) + "}");
        }
        if (node.isObject()) {
            ObjectNode copy = Admin.JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                copy.set(name, normalize(node.get(name), name, baseUrl));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Admin.JSON.createArrayNode();
            node.forEach(element -> copy.add(normalize(element, null, baseUrl)));
            return copy;
        }
        if (node.isTextual()) {
            return text(node.asText(), key, baseUrl);
        }
        if (node.isNumber() && key != null && key.endsWith("expires_in")) {
            // computed from the clock at answer time: 299 and 300 are the same lifetime
            return Admin.JSON.getNodeFactory().numberNode(Math.round(node.asDouble() / 10) * 10);
        }
        return node;
    }

    private static JsonNode text(String value, String key, String baseUrl) {
        if (JWT.matcher(value).matches()) {
            String[] parts = value.split("\\.");
            ObjectNode jwt = Admin.JSON.createObjectNode();
            jwt.set("header", normalize(Admin.read(decode(parts[0])), null, baseUrl));
            jwt.set("claims", normalize(Admin.read(decode(parts[1])), null, baseUrl));
            return jwt;
        }
        if ("scope".equals(key)) {
            // a space-separated set (RFC 6749 3.3): compared as a sorted set
            List<String> scopes = new ArrayList<>(List.of(value.trim().split("\\s+")));
            scopes.sort(null);
            ArrayNode set = Admin.JSON.createArrayNode();
            scopes.forEach(set::add);
            return set;
        }
        if ("Location".equals(key)) {
            return location(value, baseUrl);
        }
        return Admin.JSON.getNodeFactory().textNode(replace(value, baseUrl));
    }

    /** A redirect: the URL without its query, then each query parameter normalized like a JSON field. */
    private static JsonNode location(String value, String baseUrl) {
        URI uri = URI.create(value);
        ObjectNode node = Admin.JSON.createObjectNode();
        node.put("url", replace(value.replaceAll("[?#].*$", ""), baseUrl));
        ObjectNode query = node.putObject("query");
        HttpLogin.query(uri).forEach((name, v) -> query.set(name,
                normalize(Admin.JSON.getNodeFactory().textNode(v), name, baseUrl)));
        return node;
    }

    private static String replace(String value, String baseUrl) {
        String out = VOLATILE_QUERY.matcher(value.replace(baseUrl, "{base}")).replaceAll("$1{volatile}");
        out = out.replaceAll("localhost:\\d+", "localhost:{port}");
        return UUID.matcher(out).replaceAll("{uuid}");
    }

    private static String decode(String part) {
        try {
            return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return "\"(not base64url)\"";
        }
    }

    private static String type(JsonNode node) {
        return node.isTextual() ? "string" : node.isNumber() ? "number" : node.isBoolean() ? "boolean"
                : node.isArray() ? "array" : node.isObject() ? "object" : node.getNodeType().toString().toLowerCase();
    }

    /**
     * {@code path = value} lines. Arrays of scalars are sets ({@code path[=value]}), since their order carries no
     * meaning in these answers; arrays of representations are keyed by their name ({@link #KEY_FIELDS}), other arrays
     * of objects are sorted by their text and indexed; a sequence whose order counts is
     * recorded as an object keyed by position ({@link Observation#sequence}).
     */
    static Map<String, String> flatten(String scenario, JsonNode root) {
        Map<String, String> out = new TreeMap<>();
        flatten(scenario + "/", root, out, true);
        return out;
    }

    /** The field that names each element of a list of representations (clients, scopes, roles), if one does. */
    private static String keyField(List<JsonNode> elements) {
        for (String key : KEY_FIELDS) {
            Set<String> seen = new java.util.HashSet<>();
            if (elements.stream().allMatch(e -> e.isObject() && e.hasNonNull(key) && seen.add(e.get(key).asText()))) {
                return key;
            }
        }
        return null;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> out, boolean top) {
        if (node == null || node.isMissingNode()) {
            out.put(path, "(no body)");
            return;
        }
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.put(path, "{}");
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(top ? path + field.getKey() : path + "." + field.getKey(), field.getValue(), out, false);
            }
            return;
        }
        if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(path, "[]");
                return;
            }
            List<JsonNode> elements = new ArrayList<>();
            node.forEach(elements::add);
            if (elements.stream().allMatch(JsonNode::isValueNode)) {
                elements.forEach(element -> out.put(path + "[=" + element.asText() + "]", "present"));
                return;
            }
            String key = keyField(elements);
            if (key != null) {
                elements.forEach(element -> flatten(path + "[" + key + "=" + element.get(key).asText() + "]", element, out, false));
                return;
            }
            // by their flattened text, in which nested sets are already sorted
            elements.sort(java.util.Comparator.comparing((JsonNode element) -> flatten("", element).toString()));
            for (int i = 0; i < elements.size(); i++) {
                flatten(path + "[" + i + "]", elements.get(i), out, false);
            }
            return;
        }
        out.put(path, node.isTextual() ? "\"" + node.asText() + "\"" : node.toString());
    }
}
