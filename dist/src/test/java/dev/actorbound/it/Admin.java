package dev.actorbound.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small client for Keycloak's admin REST API, enough to build test realms and read events. Every call that is not
 * expected to fail throws with the status and body when it does, so that setup problems surface at their cause.
 */
public final class Admin {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String loginRealm;
    private final String username;
    private final String password;
    private String token;
    private Instant tokenExpiry = Instant.EPOCH;

    Admin(String baseUrl, String username, String password) {
        this(baseUrl, "master", username, password);
    }

    /** An admin of {@code loginRealm} (its {@code admin-cli}), holding whatever realm-management roles it was given. */
    Admin(String baseUrl, String loginRealm, String username, String password) {
        this.baseUrl = baseUrl;
        this.loginRealm = loginRealm;
        this.username = username;
        this.password = password;
    }

    /** The outcome of an admin call; {@code body} is {@code MissingNode} when the response had none. */
    public record Response(int status, JsonNode body, String location) {

        public boolean ok() {
            return status / 100 == 2;
        }

        Response expectOk(String what) {
            if (!ok()) {
                throw new IllegalStateException(what + " failed: HTTP " + status + " " + body);
            }
            return this;
        }

        /** The id at the end of the {@code Location} header of a 201 answer. */
        String createdId() {
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    // ---- generic calls; paths are relative to /admin, e.g. "/realms/demo/clients" ----

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response delete(String path, Object body) {
        return send("DELETE", path, body);
    }

    // ---- realms ----

    public void createRealm(Map<String, ?> representation) {
        post("/realms", representation).expectOk("create realm " + representation.get("realm"));
    }

    /** Reads the realm, lets {@code change} edit the representation, and writes it back. */
    public void updateRealm(String realm, Consumer<ObjectNode> change) {
        ObjectNode representation = (ObjectNode) get("/realms/" + realm).expectOk("read realm " + realm).body();
        change.accept(representation);
        put("/realms/" + realm, representation).expectOk("update realm " + realm);
    }

    public void deleteRealm(String realm) {
        Response response = delete("/realms/" + realm, null);
        if (response.status() != 404) {
            response.expectOk("delete realm " + realm);
        }
    }

    // ---- clients ----

    /** Creates a client and returns its internal id (not its client_id). */
    public String createClient(String realm, Map<String, ?> representation) {
        return post("/realms/" + realm + "/clients", representation)
                .expectOk("create client " + representation.get("clientId")).createdId();
    }

    public String clientUuid(String realm, String clientId) {
        JsonNode found = get("/realms/" + realm + "/clients?clientId=" + encode(clientId)).expectOk("find client").body();
        if (found.isEmpty()) {
            throw new IllegalStateException("no client " + clientId + " in realm " + realm);
        }
        return found.get(0).get("id").asText();
    }

    /** Reads the client, lets {@code change} edit the representation, and writes it back. */
    public void updateClient(String realm, String clientId, Consumer<ObjectNode> change) {
        String path = "/realms/" + realm + "/clients/" + clientUuid(realm, clientId);
        ObjectNode client = (ObjectNode) get(path).expectOk("read client " + clientId).body();
        change.accept(client);
        put(path, client).expectOk("update client " + clientId);
    }

    public String serviceAccountUserId(String realm, String clientId) {
        return get("/realms/" + realm + "/clients/" + clientUuid(realm, clientId) + "/service-account-user")
                .expectOk("service account of " + clientId).body().get("id").asText();
    }

    /** Adds realm roles to the client's role scope mappings (what the client may carry in tokens). */
    public void addClientScopeMappingRealmRoles(String realm, String clientId, String... roles) {
        post("/realms/" + realm + "/clients/" + clientUuid(realm, clientId) + "/scope-mappings/realm",
                realmRoles(realm, roles)).expectOk("scope-map " + Arrays.toString(roles) + " to " + clientId);
    }

    /** Creates an OpenID Connect client scope (display on the consent screen) and returns its id. */
    public String createClientScope(String realm, String name, boolean includeInTokenScope) {
        return post("/realms/" + realm + "/client-scopes", Map.of("name", name, "protocol", "openid-connect",
                "attributes", Map.of("include.in.token.scope", Boolean.toString(includeInTokenScope),
                        "display.on.consent.screen", "true")))
                .expectOk("create client scope " + name).createdId();
    }

    /** The names of the client's default client scopes: those every token of the client carries. */
    public List<String> defaultClientScopes(String realm, String clientId) {
        JsonNode scopes = get("/realms/" + realm + "/clients/" + clientUuid(realm, clientId) + "/default-client-scopes")
                .expectOk("default client scopes of " + clientId).body();
        List<String> names = new ArrayList<>();
        scopes.forEach(scope -> names.add(scope.path("name").asText()));
        return names;
    }

    /** Makes the realm's client scope {@code scopeName} a default client scope of the client, or stops it being one. */
    public void setDefaultClientScope(String realm, String clientId, String scopeName, boolean isDefault) {
        String path = "/realms/" + realm + "/clients/" + clientUuid(realm, clientId) + "/default-client-scopes/"
                + clientScopeId(realm, scopeName);
        (isDefault ? put(path, null) : delete(path, null)).expectOk((isDefault ? "add" : "remove") + " default scope " + scopeName);
    }

    public String clientScopeId(String realm, String name) {
        for (JsonNode scope : get("/realms/" + realm + "/client-scopes").expectOk("list client scopes").body()) {
            if (name.equals(scope.path("name").asText())) {
                return scope.path("id").asText();
            }
        }
        throw new IllegalStateException("no client scope " + name + " in realm " + realm);
    }

    /** Assigns a client scope to a client, as a default ({@code kind = "default"}) or optional one. */
    public void assignClientScope(String realm, String clientId, String scopeName, String kind) {
        String client = "/realms/" + realm + "/clients/" + clientUuid(realm, clientId) + "/";
        String scope = clientScopeId(realm, scopeName);
        // A client holds a scope either as default or as optional: drop the other assignment first (new clients get
        // the realm's optional scopes, microprofile-jwt among them).
        delete(client + ("default".equals(kind) ? "optional" : "default") + "-client-scopes/" + scope, null);
        put(client + kind + "-client-scopes/" + scope, null).expectOk("assign " + kind + " scope " + scopeName + " to " + clientId);
    }

    public void createClientRole(String realm, String clientId, String role) {
        post("/realms/" + realm + "/clients/" + clientUuid(realm, clientId) + "/roles", Map.of("name", role))
                .expectOk("create role " + role + " of " + clientId);
    }

    public void addClientRolesToUser(String realm, String userId, String clientId, String... roles) {
        String uuid = clientUuid(realm, clientId);
        ArrayNode list = JSON.createArrayNode();
        for (String role : roles) {
            list.add(get("/realms/" + realm + "/clients/" + uuid + "/roles/" + encode(role)).expectOk("read role " + role).body());
        }
        post("/realms/" + realm + "/users/" + userId + "/role-mappings/clients/" + uuid, list)
                .expectOk("grant " + clientId + " roles " + Arrays.toString(roles));
    }

    /** The client's attributes as admin REST returns them (what kcadm and a realm export show too). */
    public ObjectNode clientAttributes(String realm, String clientId) {
        JsonNode client = get("/realms/" + realm + "/clients/" + clientUuid(realm, clientId)).expectOk("read client " + clientId).body();
        return client.path("attributes") instanceof ObjectNode attributes ? attributes : JSON.createObjectNode();
    }

    // ---- components (the admin console's declarative-ui pages are components of the realm) ----

    public static final String UI_PAGE_PROVIDER = "org.keycloak.services.ui.extend.UiPageProvider";

    /** Creates a page component; the answer carries the status and, on refusal, Keycloak's {@code errorMessage}. */
    public Response createPageComponent(String realm, String providerId, Map<String, List<String>> config) {
        return post("/realms/" + realm + "/components", pageComponent(realm, providerId, config));
    }

    public Response updatePageComponent(String realm, String id, String providerId, Map<String, List<String>> config) {
        ObjectNode component = pageComponent(realm, providerId, config);
        component.put("id", id);
        return put("/realms/" + realm + "/components/" + id, component);
    }

    /** The realm's page components of {@code providerId}. */
    public List<ObjectNode> pageComponents(String realm, String providerId) {
        JsonNode found = get("/realms/" + realm + "/components?type=" + encode(UI_PAGE_PROVIDER) + "&providerId="
                + encode(providerId)).expectOk("list components").body();
        List<ObjectNode> list = new ArrayList<>();
        found.forEach(component -> list.add((ObjectNode) component));
        return list;
    }

    private ObjectNode pageComponent(String realm, String providerId, Map<String, List<String>> config) {
        return component(realm, UI_PAGE_PROVIDER, config.getOrDefault("agent", List.of(providerId)).get(0), providerId, config);
    }

    public static final String UI_TAB_PROVIDER = "org.keycloak.services.ui.extend.UiTabProvider";

    /** A tab component (one per realm, named after its provider), as the console's tab form sends it. */
    public ObjectNode tabComponent(String realm, String providerId, Map<String, List<String>> config) {
        return component(realm, UI_TAB_PROVIDER, providerId, providerId, config);
    }

    private ObjectNode component(String realm, String providerType, String name, String providerId,
                                 Map<String, List<String>> config) {
        ObjectNode component = JSON.createObjectNode();
        component.put("name", name);
        component.put("providerId", providerId);
        component.put("providerType", providerType);
        component.put("parentId", get("/realms/" + realm).expectOk("read realm").body().get("id").asText());
        component.set("config", JSON.valueToTree(config));
        return component;
    }

    // ---- users and roles ----

    /** Creates an enabled user with a verified e-mail, a name and a permanent password, so no required action fires. */
    public String createUser(String realm, String username, String password, String... realmRoles) {
        String name = Character.toUpperCase(username.charAt(0)) + username.substring(1);
        Map<String, Object> user = Map.of("username", username, "enabled", true,
                "email", username + "@example.org", "emailVerified", true, "firstName", name, "lastName", "Example",
                "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
        String id = post("/realms/" + realm + "/users", user).expectOk("create user " + username).createdId();
        if (realmRoles.length > 0) {
            addRealmRolesToUser(realm, id, realmRoles);
        }
        return id;
    }

    public void setUserEnabled(String realm, String userId, boolean enabled) {
        String path = "/realms/" + realm + "/users/" + userId;
        ObjectNode user = (ObjectNode) get(path).expectOk("read user " + userId).body();
        put(path, user.put("enabled", enabled)).expectOk((enabled ? "enable" : "disable") + " user " + userId);
    }

    public void createRealmRole(String realm, String name) {
        post("/realms/" + realm + "/roles", Map.of("name", name)).expectOk("create role " + name);
    }

    public boolean realmRoleExists(String realm, String name) {
        return get("/realms/" + realm + "/roles/" + encode(name)).ok();
    }

    public void addRealmRolesToUser(String realm, String userId, String... roles) {
        post("/realms/" + realm + "/users/" + userId + "/role-mappings/realm", realmRoles(realm, roles))
                .expectOk("grant " + Arrays.toString(roles));
    }

    /** Grants the user roles of the realm's {@code realm-management} client, e.g. {@code manage-realm}. */
    public void addRealmManagementRolesToUser(String realm, String userId, String... roles) {
        String client = clientUuid(realm, "realm-management");
        ArrayNode found = JSON.createArrayNode();
        for (String name : roles) {
            found.add(get("/realms/" + realm + "/clients/" + client + "/roles/" + encode(name)).expectOk("read role " + name).body());
        }
        post("/realms/" + realm + "/users/" + userId + "/role-mappings/clients/" + client, found)
                .expectOk("grant " + Arrays.toString(roles));
    }

    public void removeRealmRolesFromUser(String realm, String userId, String... roles) {
        delete("/realms/" + realm + "/users/" + userId + "/role-mappings/realm", realmRoles(realm, roles))
                .expectOk("revoke " + Arrays.toString(roles));
    }

    private ArrayNode realmRoles(String realm, String... names) {
        ArrayNode roles = JSON.createArrayNode();
        for (String name : names) {
            roles.add(get("/realms/" + realm + "/roles/" + encode(name)).expectOk("read role " + name).body());
        }
        return roles;
    }

    // ---- events ----

    /** The realm's stored user events of the given types (all types when none), newest first, at most 100. */
    public List<ObjectNode> events(String realm, String... types) {
        String query = Arrays.stream(types).map(t -> "type=" + encode(t)).collect(Collectors.joining("&"));
        JsonNode events = get("/realms/" + realm + "/events?" + (query.isEmpty() ? "" : query + "&") + "max=100")
                .expectOk("read events").body();
        List<ObjectNode> list = new ArrayList<>();
        events.forEach(event -> list.add((ObjectNode) event));
        return list;
    }

    public void clearEvents(String realm) {
        delete("/realms/" + realm + "/events", null).expectOk("clear events");
    }

    // ---- transport ----

    private Response send(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token())
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(write(body)));
        }
        HttpResponse<String> response = exchange(request.build());
        return new Response(response.statusCode(), read(response.body()),
                response.headers().firstValue("Location").orElse(""));
    }

    /** Drops the cached admin token, e.g. after a server restart. */
    synchronized void forgetToken() {
        token = null;
    }

    /** An admin token from the login realm's {@code admin-cli}, fetched again shortly before it expires. */
    private synchronized String token() {
        if (token != null && Instant.now().isBefore(tokenExpiry)) {
            return token;
        }
        String form = "grant_type=password&client_id=admin-cli&username=" + encode(username) + "&password=" + encode(password);
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/realms/" + loginRealm + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        JsonNode json = read(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("admin login failed: HTTP " + response.statusCode() + " " + json);
        }
        token = json.get("access_token").asText();
        tokenExpiry = Instant.now().plusSeconds(Math.max(5, json.path("expires_in").asLong(60) - 15));
        return token;
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
