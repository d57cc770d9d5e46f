package dev.actorbound.it;

import static dev.actorbound.it.TestClients.INTROSPECTOR;
import static dev.actorbound.it.TestClients.INTROSPECTOR_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The invariant as a property over generated realm set-ups, checked on real flows: every delegated token the realm
 * issues carries exactly user ∩ every actor's explicit roles ∩ the input token's roles, scopes within consent ∩
 * input, an audience justified by those, and the whole {@code act} chain; every request the invariant cannot serve
 * is refused, never answered with a wider token.
 *
 * <p>Each scenario gets a fresh realm: realm roles (one composite), roles of two APIs, a group carrying roles, a user
 * with a random mix of them, an app with or without <em>Full scope allowed</em>, extra client scopes as default or
 * optional scopes, {@code microprofile-jwt}'s {@code groups} mapper, a hard-coded role mapper, agents with random
 * explicit role mappings (sometimes left at Full scope allowed), chains of one to three agents, random {@code scope}
 * and {@code audience} requests. The expected roles are computed here, from the scenario alone, never by asking the
 * server. Seeded and bounded: {@code -Dit.property.seed=<n>} replays a run, {@code -Dit.property.scenarios=<n>}
 * sets its size; a failure names the seed of the scenario that broke.
 */
@ExtendWith(KeycloakServer.class)
class DelegationInvariantPropertyIT {

    private static final long SEED = Long.getLong("it.property.seed", 20261201L);
    private static final int SCENARIOS = Integer.getInteger("it.property.scenarios", 16);

    private static final List<String> REALM_ROLES = List.of("reader", "writer", "r-a", "r-b");
    /** r-all is a composite of r-a and r-b; the group {@code staff} holds r-b and api-y:y1. */
    private static final Map<String, Set<String>> COMPOSITES = Map.of("r-all", Set.of("r-a", "r-b"));
    private static final Set<String> STAFF_ROLES = Set.of("r-b", "api-y:y1");
    private static final List<String> CLIENT_ROLES = List.of("api-x:x1", "api-x:x2", "api-y:y1");
    private static final List<String> MAPPABLE = List.of("reader", "writer", "r-a", "r-b", "r-all", "api-x:x1", "api-x:x2", "api-y:y1");
    private static final List<String> EXTRA_SCOPES = List.of("s-one", "s-two");
    private static final String USER = "carol";
    private static final String PASSWORD = "carol-password";

    /** One generated set-up. {@code hardcodedRole}: a role a hard-coded mapper adds to the second agent's tokens. */
    record Scenario(long seed, Set<String> userRoles, boolean staff, boolean appFullScope, Set<String> appRoles,
                    List<Agent> agents, Map<String, String> appScopes, String hardcodedRole, Set<String> requestedScopes,
                    List<String> hopScopes, List<String> hopAudiences) {

        static Scenario generate(long seed) {
            Random random = new Random(seed);
            Set<String> userRoles = subset(random, List.of("reader", "writer", "r-a", "r-all", "api-x:x1", "api-x:x2"));
            boolean appFullScope = random.nextInt(3) > 0;
            int depth = 1 + random.nextInt(3);
            List<Agent> agents = new ArrayList<>();
            for (int i = 1; i <= depth; i++) {
                agents.add(new Agent("agent-" + i, random.nextInt(8) == 0, subset(random, MAPPABLE),
                        pickScopes(random)));
            }
            Map<String, String> appScopes = pickScopes(random);
            Set<String> requested = new TreeSet<>();
            appScopes.forEach((scope, kind) -> {
                if ("optional".equals(kind) && random.nextBoolean()) {
                    requested.add(scope);
                }
            });
            List<String> hopScopes = new ArrayList<>();
            List<String> hopAudiences = new ArrayList<>();
            for (int i = 1; i < depth; i++) {
                hopScopes.add(random.nextInt(3) == 0 ? EXTRA_SCOPES.get(random.nextInt(EXTRA_SCOPES.size())) : null);
                hopAudiences.add(random.nextInt(3) == 0 ? List.of("api-x", "api-y").get(random.nextInt(2)) : null);
            }
            return new Scenario(seed, userRoles, random.nextBoolean(), appFullScope, subset(random, MAPPABLE), agents,
                    appScopes, random.nextInt(5) == 0 ? REALM_ROLES.get(random.nextInt(REALM_ROLES.size())) : null,
                    requested, hopScopes, hopAudiences);
        }

        private static Map<String, String> pickScopes(Random random) {
            Map<String, String> scopes = new LinkedHashMap<>();
            for (String scope : EXTRA_SCOPES) {
                int kind = random.nextInt(3);
                if (kind > 0) {
                    scopes.put(scope, kind == 1 ? "default" : "optional");
                }
            }
            if (random.nextBoolean()) {
                scopes.put("microprofile-jwt", random.nextBoolean() ? "default" : "optional");
            }
            return scopes;
        }

        private static Set<String> subset(Random random, List<String> of) {
            Set<String> picked = new TreeSet<>();
            of.forEach(item -> {
                if (random.nextInt(5) < 2) {
                    picked.add(item);
                }
            });
            return picked;
        }
    }

    /** An agent of the scenario: {@code scopes} maps extra client scope names to "default" or "optional". */
    record Agent(String clientId, boolean fullScope, Set<String> mappedRoles, Map<String, String> scopes) {
    }

    /** How many tokens the run issued and how many requests were refused, so a run that only refuses is caught. */
    private int issued;
    private int refused;

    @Test
    void everyDelegatedTokenKeepsTheInvariant(KeycloakServer server) {
        Random seeds = new Random(SEED);
        for (int i = 0; i < SCENARIOS; i++) {
            Scenario scenario = Scenario.generate(seeds.nextLong());
            try (TestRealm realm = TestRealm.create(server)) {
                run(scenario, realm);
            } catch (Exception | AssertionError e) {
                throw new AssertionError("scenario " + i + " of seed " + SEED + " broke the invariant (scenario seed "
                        + scenario.seed() + "): " + scenario, e);
            }
        }
        System.out.printf("DelegationInvariantPropertyIT: seed %d, %d scenarios, %d tokens issued and checked, %d requests refused%n",
                SEED, SCENARIOS, issued, refused);
        assertThat(issued).as("tokens issued over %d scenarios (seed %d); %d refused", SCENARIOS, SEED, refused)
                .isGreaterThanOrEqualTo(SCENARIOS / 2);
    }

    private void run(Scenario scenario, TestRealm realm) throws Exception {
        Admin admin = realm.admin();
        String name = realm.name();
        build(scenario, realm);
        Agent first = scenario.agents().get(0);

        OAuth.Pkce pkce = OAuth.Pkce.s256();
        String scope = "openid" + (scenario.requestedScopes().isEmpty() ? "" : " " + String.join(" ", scenario.requestedScopes()));
        String url = realm.oauth().authorizeUrl(name, TestClients.APP, TestRealm.REDIRECT_URI, scope, Delegations.STATE, pkce,
                Map.of("requested_actor", first.clientId()));
        HttpLogin.Outcome outcome = new HttpLogin(TestRealm.REDIRECT_URI).authorize(url, USER, PASSWORD, "accept");
        if (first.fullScope()) {
            assertThat(outcome.error()).as("a full-scope agent is refused: %s", outcome).isEqualTo("invalid_request");
            refused++;
            return;
        }
        assertThat(outcome.code()).as("code for %s: %s", first.clientId(), outcome).isNotBlank();
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "client_id", TestClients.APP,
                "code", outcome.code(), "redirect_uri", TestRealm.REDIRECT_URI, "code_verifier", pkce.verifier(),
                "actor_token", realm.oauth().clientCredentialsToken(name, first.clientId(), secret(first)),
                "actor_token_type", OAuth.ACCESS_TOKEN_TYPE));
        OAuth.TokenResponse redeemed = realm.oauth().token(name, form, null, null);

        Set<String> consented = consentedScopes(scenario);
        Set<String> expected = intersect(effectiveUserRoles(scenario), appCeiling(scenario), ceiling(first));
        String subject = checkIssued(realm, redeemed, expected, consented, TestClients.APP, List.of(first), scenario, null);
        for (int hop = 1; subject != null && hop < scenario.agents().size(); hop++) {
            Agent next = scenario.agents().get(hop);
            JWTClaimsSet input = Jwt.verify(subject, realm);
            Map<String, String> extra = new HashMap<>();
            String hopScope = scenario.hopScopes().get(hop - 1);
            String hopAudience = scenario.hopAudiences().get(hop - 1);
            if (hopScope != null) {
                extra.put("scope", hopScope);
            }
            if (hopAudience != null) {
                extra.put("audience", hopAudience);
            }
            Map<String, String> exchange = new LinkedHashMap<>(Map.of("grant_type", Exchanges.GRANT_TYPE,
                    "subject_token", subject, "subject_token_type", OAuth.ACCESS_TOKEN_TYPE,
                    "actor_token", realm.oauth().clientCredentialsToken(name, next.clientId(), secret(next)),
                    "actor_token_type", OAuth.ACCESS_TOKEN_TYPE));
            exchange.putAll(extra);
            OAuth.TokenResponse exchanged = realm.oauth().token(name, exchange, next.clientId(), secret(next));
            if (next.fullScope()) {
                assertRefusedCleanly(exchanged);
                return;
            }
            Set<String> inputScopes = new HashSet<>(Exchanges.scopes(input));
            if (hopScope != null && !(inputScopes.contains(hopScope) && consented.contains(hopScope))) {
                assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(400);
                assertThat(exchanged.error()).isEqualTo("invalid_scope");
                refused++;
                return;
            }
            Set<String> allowedScopes = intersect(consented, inputScopes);
            expected = intersect(expected, ceiling(next), new HashSet<>(Exchanges.allRoles(input)));
            subject = checkIssued(realm, exchanged, expected, allowedScopes, next.clientId(),
                    scenario.agents().subList(0, hop + 1), scenario, hopAudience);
        }
    }

    /**
     * Checks one token response against the expected grant and returns the token, or returns null for a clean
     * refusal (a 400 with an OAuth error and no token), which fails closed and is allowed.
     */
    private String checkIssued(TestRealm realm, OAuth.TokenResponse response, Set<String> expectedRoles, Set<String> allowedScopes,
                               String azp, List<Agent> chain, Scenario scenario, String requestedAudience) throws Exception {
        if (response.status() != 200) {
            assertRefusedCleanly(response);
            return null;
        }
        issued++;
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getStringClaim("azp")).isEqualTo(azp);
        assertThat(claims.getSubject()).isEqualTo(realm.admin().get("/realms/" + realm.name() + "/users?username=" + USER)
                .body().get(0).get("id").asText());
        List<String> newestFirst = new ArrayList<>(chain.stream().map(Agent::clientId).toList());
        Collections.reverse(newestFirst);
        assertThat(actChain(claims)).as("act chain, newest first").isEqualTo(newestFirst);
        Set<String> roles = new TreeSet<>(Exchanges.allRoles(claims));
        if (requestedAudience == null) {
            assertThat(roles).as("roles = user ∩ every actor's explicit roles ∩ input").isEqualTo(new TreeSet<>(expectedRoles));
        } else {
            // An audience request may narrow client roles further (to the audience); never wider.
            assertThat(expectedRoles).as("roles ⊆ user ∩ every actor's explicit roles ∩ input").containsAll(roles);
        }
        List<String> groups = claims.getStringListClaim("groups");
        if (groups != null) {
            assertThat(groups).as("groups claim").allMatch(expectedRoles::contains);
        }
        assertThat(Exchanges.scopes(claims)).as("scope ⊆ consent ∩ input")
                .allMatch(s -> "openid".equals(s) || allowedScopes.contains(s));
        Set<String> justified = new HashSet<>();
        expectedRoles.stream().filter(r -> r.contains(":")).forEach(r -> justified.add(r.substring(0, r.indexOf(':'))));
        if (requestedAudience != null) {
            justified.add(requestedAudience);
        }
        List<String> audience = claims.getAudience() == null ? List.of() : claims.getAudience();
        assertThat(audience).as("audience justified by roles or the request").allMatch(justified::contains);
        assertThat(claims.getStringClaim("origin_client_id")).isEqualTo(TestClients.APP);

        // What a resource server learns by introspection is the same delegation: the same chain, no other role.
        JsonNode answer = realm.oauth().introspect(realm.name(), response.accessToken(),
                INTROSPECTOR, INTROSPECTOR_SECRET);
        assertThat(answer.path("active").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.path("act")).as("introspected act")
                .isEqualTo(new ObjectMapper().valueToTree(claims.getJSONObjectClaim("act")));
        Set<String> introspected = new TreeSet<>();
        answer.path("realm_access").path("roles").forEach(role -> introspected.add(role.asText()));
        answer.path("resource_access").fields().forEachRemaining(entry ->
                entry.getValue().path("roles").forEach(role -> introspected.add(entry.getKey() + ":" + role.asText())));
        assertThat(introspected).as("introspection answer roles = the token's").isEqualTo(roles);
        return response.accessToken();
    }

    private void assertRefusedCleanly(OAuth.TokenResponse response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).as(response.toString()).isNotBlank();
        assertThat(response.errorDescription()).as(response.toString()).isNotBlank();
        assertThat(response.body().has("access_token")).isFalse();
        refused++;
    }

    // ---- the oracle: what the scenario allows, computed without the server ----

    private static Set<String> effectiveUserRoles(Scenario scenario) {
        Set<String> roles = expand(scenario.userRoles());
        if (scenario.staff()) {
            roles.addAll(STAFF_ROLES);
        }
        return roles;
    }

    /** The roles the app's tokens may hold: all the user has with Full scope allowed, else its mappings, expanded. */
    private static Set<String> appCeiling(Scenario scenario) {
        if (scenario.appFullScope()) {
            Set<String> all = new HashSet<>(REALM_ROLES);
            all.addAll(COMPOSITES.keySet());
            all.addAll(CLIENT_ROLES);
            return all;
        }
        return expand(scenario.appRoles());
    }

    private static Set<String> ceiling(Agent agent) {
        return expand(agent.mappedRoles());
    }

    private static Set<String> expand(Set<String> roles) {
        Set<String> expanded = new HashSet<>(roles);
        roles.forEach(role -> expanded.addAll(COMPOSITES.getOrDefault(role, Set.of())));
        return expanded;
    }

    /** The app's default scopes and the optional ones requested (those that show in {@code scope}). */
    private static Set<String> consentedScopes(Scenario scenario) {
        Set<String> scopes = new HashSet<>(Set.of("profile", "email"));
        scenario.appScopes().forEach((scope, kind) -> {
            if ("default".equals(kind) || scenario.requestedScopes().contains(scope)) {
                scopes.add(scope);
            }
        });
        return scopes;
    }

    @SafeVarargs
    private static Set<String> intersect(Set<String> first, Set<String>... others) {
        Set<String> result = new HashSet<>(first);
        for (Set<String> other : others) {
            result.retainAll(other);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<String> actChain(JWTClaimsSet claims) throws Exception {
        List<String> chain = new ArrayList<>();
        Object act = claims.getJSONObjectClaim("act");
        while (act instanceof Map<?, ?> map) {
            chain.add((String) map.get("client_id"));
            act = ((Map<String, Object>) map).get("act");
        }
        return chain;
    }

    // ---- building the realm ----

    private static void build(Scenario scenario, TestRealm realm) {
        Admin admin = realm.admin();
        String name = realm.name();
        for (String role : List.of("r-a", "r-b", "r-all")) {
            admin.createRealmRole(name, role);
        }
        admin.post("/realms/" + name + "/roles-by-id/" + roleId(admin, name, "r-all") + "/composites",
                List.of(role(admin, name, "r-a"), role(admin, name, "r-b"))).expectOk("composite r-all");
        for (String client : List.of("api-x", "api-y")) {
            admin.createClient(name, Map.of("clientId", client, "publicClient", false, "secret", client + "-secret",
                    "standardFlowEnabled", false));
        }
        // The resource server that introspects every issued token, whatever its audience.
        admin.createClient(name, Map.of("clientId", INTROSPECTOR, "publicClient", false, "secret", INTROSPECTOR_SECRET,
                "standardFlowEnabled", false, "attributes", Map.of("allow.token.introspection.without.audience.check", "true")));
        CLIENT_ROLES.forEach(role -> admin.createClientRole(name, role.substring(0, role.indexOf(':')), role.substring(role.indexOf(':') + 1)));
        String group = admin.post("/realms/" + name + "/groups", Map.of("name", "staff")).expectOk("group").createdId();
        admin.post("/realms/" + name + "/groups/" + group + "/role-mappings/realm", List.of(role(admin, name, "r-b"))).expectOk("staff roles");
        admin.post("/realms/" + name + "/groups/" + group + "/role-mappings/clients/" + admin.clientUuid(name, "api-y"),
                List.of(clientRole(admin, name, "api-y:y1"))).expectOk("staff client roles");

        String user = admin.createUser(name, USER, PASSWORD);
        grant(admin, name, "/users/" + user + "/role-mappings", scenario.userRoles());
        if (scenario.staff()) {
            admin.put("/realms/" + name + "/users/" + user + "/groups/" + group, null).expectOk("join staff");
        }

        EXTRA_SCOPES.forEach(scope -> admin.createClientScope(name, scope, true));
        admin.updateClient(name, TestClients.APP, c -> c.put("fullScopeAllowed", scenario.appFullScope()));
        if (!scenario.appFullScope()) {
            grant(admin, name, "/clients/" + admin.clientUuid(name, TestClients.APP) + "/scope-mappings", scenario.appRoles());
        }
        scenario.appScopes().forEach((scope, kind) -> admin.assignClientScope(name, TestClients.APP, scope, kind));

        List<Agent> agents = scenario.agents();
        for (int i = 0; i < agents.size(); i++) {
            Agent agent = agents.get(i);
            realm.addAgent(agent.clientId(), secret(agent), agent.clientId(), null);
            grant(admin, name, "/clients/" + admin.clientUuid(name, agent.clientId()) + "/scope-mappings", agent.mappedRoles());
            agent.scopes().forEach((scope, kind) -> admin.assignClientScope(name, agent.clientId(), scope, kind));
            if (agent.fullScope()) {
                admin.updateClient(name, agent.clientId(), c -> c.put("fullScopeAllowed", true));
            }
            if (i + 1 < agents.size()) {
                String nextAgent = agents.get(i + 1).clientId();
                admin.updateClient(name, agent.clientId(), c -> c.with("attributes").put(AgentAttributes.DELEGATES, nextAgent));
            }
        }
        if (scenario.hardcodedRole() != null && agents.size() > 1) {
            admin.post("/realms/" + name + "/clients/" + admin.clientUuid(name, agents.get(1).clientId()) + "/protocol-mappers/models",
                    Map.of("name", "hardcoded-role", "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-role-mapper",
                            "config", Map.of("role", scenario.hardcodedRole()))).expectOk("hardcoded role mapper");
        }
    }

    /** Maps {@code roles} (realm roles by name, client roles as client:role) at {@code path}/realm and /clients/{id}. */
    private static void grant(Admin admin, String realm, String path, Set<String> roles) {
        List<Object> realmRoles = new ArrayList<>();
        Map<String, List<Object>> clientRoles = new HashMap<>();
        for (String role : roles) {
            if (role.contains(":")) {
                clientRoles.computeIfAbsent(role.substring(0, role.indexOf(':')), c -> new ArrayList<>()).add(clientRole(admin, realm, role));
            } else {
                realmRoles.add(role(admin, realm, role));
            }
        }
        if (!realmRoles.isEmpty()) {
            admin.post("/realms/" + realm + path + "/realm", realmRoles).expectOk("map realm roles " + roles);
        }
        clientRoles.forEach((client, list) -> admin.post("/realms/" + realm + path + "/clients/" + admin.clientUuid(realm, client), list)
                .expectOk("map client roles " + roles));
    }

    private static Object role(Admin admin, String realm, String name) {
        return admin.get("/realms/" + realm + "/roles/" + name).expectOk("role " + name).body();
    }

    private static String roleId(Admin admin, String realm, String name) {
        return admin.get("/realms/" + realm + "/roles/" + name).expectOk("role " + name).body().get("id").asText();
    }

    private static Object clientRole(Admin admin, String realm, String role) {
        String client = role.substring(0, role.indexOf(':'));
        return admin.get("/realms/" + realm + "/clients/" + admin.clientUuid(realm, client) + "/roles/" + role.substring(role.indexOf(':') + 1))
                .expectOk("role " + role).body();
    }

    private static String secret(Agent agent) {
        return agent.clientId() + "-secret";
    }
}
