package dev.actorbound.it;

import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BACKEND;
import static dev.actorbound.it.TestClients.BACKEND_SECRET;
import static dev.actorbound.it.TestClients.PLANNER;
import static dev.actorbound.it.TestClients.PLANNER_SECRET;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.BOOKING_SECRET;
import static dev.actorbound.it.TestClients.NOT_AN_AGENT;
import static dev.actorbound.it.TestClients.NOT_AN_AGENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A fresh realm per test class (random name {@code it-<8 hex>}), with user events stored:
 * <ul>
 * <li>realm roles {@code reader}, {@code writer} and {@code ai-agent};</li>
 * <li>users {@code alice} / {@code alice-password} (reader, writer) and {@code bob} / {@code bob-password} (reader);</li>
 * <li>apps {@code travel-planner} (public) and {@code travel-backend} (confidential), redirect URI {@link #REDIRECT_URI};</li>
 * <li>agents {@code planner-agent} (scope: reader) and {@code booking-agent} (scope: writer), both accepting both
 *     apps, and {@code not-an-agent}, a service account without the {@code ai-agent} role.</li>
 * </ul>
 */
public final class TestRealm implements AutoCloseable {

    public static final String REDIRECT_URI = "http://localhost:8089/callback";
    public static final String AGENT_ROLE = AgentAttributes.AGENT_ROLE;
    /** Client attribute that, with {@link #AGENT_ROLE} on the service account, makes a client an agent. */
    public static final String AGENT_MARKER = AgentAttributes.AGENT_MARKER;
    /** The realm's agent consents under admin REST: exported with GET, imported with POST. */
    public static final String CONSENTS = "actorbound-consents";

    public static final String ALICE = "alice";
    public static final String ALICE_PASSWORD = "alice-password";
    public static final String BOB = "bob";
    public static final String BOB_PASSWORD = "bob-password";

    /** Stock event types the extension reports through (it adds details, never new types). */
    static final List<String> EVENT_TYPES = List.of("LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "CODE_TO_TOKEN_ERROR",
            "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR", "TOKEN_EXCHANGE", "TOKEN_EXCHANGE_ERROR", "GRANT_CONSENT",
            "GRANT_CONSENT_ERROR", "UPDATE_CONSENT", "UPDATE_CONSENT_ERROR", "REVOKE_GRANT", "REVOKE_GRANT_ERROR",
            "INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR", "CUSTOM_REQUIRED_ACTION", "CUSTOM_REQUIRED_ACTION_ERROR",
            "CLIENT_LOGIN", "CLIENT_LOGIN_ERROR", "LOGOUT", "LOGOUT_ERROR", "PUSHED_AUTHORIZATION_REQUEST",
            "PUSHED_AUTHORIZATION_REQUEST_ERROR", "USER_INFO_REQUEST", "USER_INFO_REQUEST_ERROR", "PERMISSION_TOKEN",
            "PERMISSION_TOKEN_ERROR", "VALIDATE_ACCESS_TOKEN", "VALIDATE_ACCESS_TOKEN_ERROR");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakServer server;
    private final String name;
    private final boolean agentRoleCreatedByExtension;
    private final Map<String, String> userIds = new LinkedHashMap<>();

    private TestRealm(KeycloakServer server, String name, boolean agentRoleCreatedByExtension) {
        this.server = server;
        this.name = name;
        this.agentRoleCreatedByExtension = agentRoleCreatedByExtension;
    }

    public static TestRealm create(KeycloakServer server) {
        Admin admin = server.admin();
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String name = "it-" + HexFormat.of().formatHex(suffix);
        admin.createRealm(Map.of("realm", name, "enabled", true, "eventsEnabled", true,
                "enabledEventTypes", EVENT_TYPES,
                "roles", Map.of("realm", List.of(Map.of("name", "reader"), Map.of("name", "writer")))));
        boolean byExtension = admin.realmRoleExists(name, AGENT_ROLE);
        TestRealm realm = new TestRealm(server, name, byExtension);
        try {
            if (!byExtension) {
                admin.createRealmRole(name, AGENT_ROLE);
            }
            realm.populate(admin);
        } catch (RuntimeException e) {
            realm.close();
            throw e;
        }
        return realm;
    }

    private void populate(Admin admin) {
        admin.createClient(name, Map.of("clientId", APP, "publicClient", true, "standardFlowEnabled", true,
                "directAccessGrantsEnabled", false, "redirectUris", List.of(REDIRECT_URI)));
        admin.createClient(name, Map.of("clientId", BACKEND, "publicClient", false, "secret", BACKEND_SECRET,
                "standardFlowEnabled", true, "directAccessGrantsEnabled", false, "redirectUris", List.of(REDIRECT_URI)));
        addAgent(PLANNER, PLANNER_SECRET, "Trip Planner", "Plans trips and proposes itineraries.", "reader");
        addAgent(BOOKING, BOOKING_SECRET, "Booking Agent", "Books flights and hotels for approved trips.", "writer");
        admin.createClient(name, Map.of("clientId", NOT_AN_AGENT, "publicClient", false, "secret", NOT_AN_AGENT_SECRET,
                "serviceAccountsEnabled", true, "standardFlowEnabled", false, "directAccessGrantsEnabled", false));
        userIds.put(ALICE, admin.createUser(name, ALICE, ALICE_PASSWORD, "reader", "writer"));
        userIds.put(BOB, admin.createUser(name, BOB, BOB_PASSWORD, "reader"));
    }

    /**
     * A confidential agent: marked as an agent, service account in the {@code ai-agent} role, Full scope allowed off,
     * {@code scopeRoles} as its role scope mappings, accepting both apps. {@code description} may be null.
     */
    public void addAgent(String clientId, String secret, String displayName, String description, String... scopeRoles) {
        Admin admin = admin();
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("name", displayName);
        if (description != null) {
            client.put("description", description);
        }
        client.put("publicClient", false);
        client.put("secret", secret);
        client.put("serviceAccountsEnabled", true);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("fullScopeAllowed", false);
        client.put("attributes", Map.of(AGENT_MARKER, "true", AgentAttributes.ALLOWED_CLIENTS, APP + "," + BACKEND));
        admin.createClient(name, client);
        if (scopeRoles.length > 0) {
            admin.addClientScopeMappingRealmRoles(name, clientId, scopeRoles);
        }
        admin.addRealmRolesToUser(name, admin.serviceAccountUserId(name, clientId), AGENT_ROLE);
    }

    /** A user of this realm with the given realm roles; the password is the username followed by {@code -password}. */
    public String createUser(String username, String... realmRoles) {
        String id = admin().createUser(name, username, username + "-password", realmRoles);
        userIds.put(username, id);
        return id;
    }

    /** The realm's internal id (what its rows in the database name), not its name. */
    public String id() {
        return admin().get("/realms/" + name).expectOk("read realm").body().path("id").asText();
    }

    /**
     * A user of this realm holding the given {@code realm-management} roles (e.g. {@code manage-realm}), and an admin
     * REST client logged in as that user. The password is the username followed by {@code -password}.
     */
    public Admin createAdmin(String username, String... realmManagementRoles) {
        String id = admin().createUser(name, username, username + "-password");
        userIds.put(username, id);
        if (realmManagementRoles.length > 0) {
            admin().addRealmManagementRolesToUser(name, id, realmManagementRoles);
        }
        return new Admin(server.baseUrl(), name, username, username + "-password");
    }

    public String name() {
        return name;
    }

    /** The same realm as another server of the same database (a cluster node) serves it. */
    public TestRealm seenFrom(KeycloakServer other) {
        TestRealm view = new TestRealm(other, name, agentRoleCreatedByExtension);
        view.userIds.putAll(userIds);
        return view;
    }

    /** {@code http://localhost:<port>/realms/<name>}, the {@code iss} of the realm's tokens. */
    public String issuer() {
        return server.baseUrl() + "/realms/" + name;
    }

    public String jwksUrl() {
        return oauth().jwksUrl(name);
    }

    public Admin admin() {
        return server.admin();
    }

    public OAuth oauth() {
        return server.oauth();
    }

    public KeycloakServer server() {
        return server;
    }

    /** Introspects {@code token} as the resource server of {@link #addResourceServer()}. */
    public JsonNode introspect(String token) {
        return oauth().introspect(name, token, TestClients.CALENDAR_API, TestClients.CALENDAR_API_SECRET);
    }

    /** Whether introspection by the resource server of {@link #addResourceServer()} says {@code active: true}. */
    public boolean isActive(String token) {
        return introspect(token).path("active").asBoolean();
    }

    /**
     * Adds the confidential resource server {@link #TestClients.CALENDAR_API} and puts it into the audience of the app's
     * tokens: Keycloak only introspects a token for a client in its audience.
     */
    public void addResourceServer() {
        admin().createClient(name, Map.of("clientId", TestClients.CALENDAR_API, "publicClient", false, "secret", TestClients.CALENDAR_API_SECRET,
                "standardFlowEnabled", false, "serviceAccountsEnabled", false));
        admin().post("/realms/" + name + "/clients/" + admin().clientUuid(name, APP) + "/protocol-mappers/models",
                Map.of("name", TestClients.CALENDAR_API + "-audience", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.client.audience", TestClients.CALENDAR_API, "access.token.claim", "true",
                                "introspection.token.claim", "true"))).expectOk("audience mapper");
    }

    /** The id of the agent client's service-account user: the {@code sub} of its tokens and of {@code act}. */
    public String agentServiceAccountId(String clientId) {
        return admin().serviceAccountUserId(name, clientId);
    }

    public String userId(String username) {
        String id = userIds.get(username);
        if (id == null) {
            throw new IllegalArgumentException("no user " + username + " in the test realm");
        }
        return id;
    }

    /** A consent as {@link #storedConsents} names it: the app and the agent by client_id. */
    public static String consent(String appClientId, String agentClientId) {
        return appClientId + " > " + agentClientId;
    }

    /** Sets a user attribute (unmanaged, as the admin sees it), keeping every other attribute of the user. */
    public void setUserAttribute(String username, String attribute, String... values) {
        ObjectNode user = adminViewOfUser(username);
        ArrayNode list = user.with("attributes").putArray(attribute);
        for (String value : values) {
            list.add(value);
        }
        assertThat(admin().put("/realms/" + name + "/users/" + userId(username), user).ok()).isTrue();
    }

    /** {@code /realms/<name>/actorbound-consents}, relative to admin REST. */
    public String consentsPath() {
        return "/realms/" + name + "/" + CONSENTS;
    }

    /** The realm's agent consents that count, as the admin export lists them. */
    public JsonNode exportedConsents() {
        return admin().get(consentsPath()).expectOk("export agent consents").body();
    }

    /** The consents stored for {@code username} that count, each named by {@link #consent}. */
    public List<String> storedConsents(String username) {
        List<String> consents = new ArrayList<>();
        exportedConsents().forEach(entry -> {
            if (username.equals(entry.path("username").asText())) {
                consents.add(consent(entry.path("app").asText(), entry.path("agent").asText()));
            }
        });
        return consents;
    }

    /**
     * Revokes every consent stored for {@code username} on "Agents that act for me", as the user would (password:
     * the username followed by {@code -password}), and checks that there was one and that none is left.
     */
    public void revokeStoredConsents(String username) {
        List<JsonNode> stored = new ArrayList<>();
        exportedConsents().forEach(entry -> {
            if (username.equals(entry.path("username").asText())) {
                stored.add(entry);
            }
        });
        assertThat(stored).as("%s holds stored consents", username).isNotEmpty();
        MyAgentsSession page = MyAgentsSession.open(this, username);
        stored.forEach(entry -> page.revoke(entry.path("app").asText(), entry.path("agent").asText()));
        assertThat(storedConsents(username)).isEmpty();
    }

    /**
     * The names of {@code username}'s attributes that start with {@code actorbound.}. Admins only see unmanaged
     * attributes with the {@code ADMIN_EDIT} user-profile policy, so that policy is set first.
     */
    public List<String> actorboundAttributes(String username) {
        List<String> names = new ArrayList<>();
        adminViewOfUser(username).path("attributes").fieldNames().forEachRemaining(n -> {
            if (n.startsWith("actorbound.")) {
                names.add(n);
            }
        });
        return names;
    }

    /** The user as the admin REST API shows it, unmanaged attributes included ({@code ADMIN_EDIT} is set first). */
    public ObjectNode adminViewOfUser(String username) {
        String profilePath = "/realms/" + name + "/users/profile";
        ObjectNode profile = (ObjectNode) admin().get(profilePath).body();
        if (!"ADMIN_EDIT".equals(profile.path("unmanagedAttributePolicy").asText())) {
            profile.put("unmanagedAttributePolicy", "ADMIN_EDIT");
            assertThat(admin().put(profilePath, profile).ok()).isTrue();
        }
        return (ObjectNode) admin().get("/realms/" + name + "/users/" + userId(username)).body();
    }

    /** Whether the realm already had the {@code ai-agent} role when created, i.e. the extension added it. */
    public boolean agentRoleCreatedByExtension() {
        return agentRoleCreatedByExtension;
    }

    /** Deletes the realm. */
    @Override
    public void close() {
        admin().deleteRealm(name);
    }
}
