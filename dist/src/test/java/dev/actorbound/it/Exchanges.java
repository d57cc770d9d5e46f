package dev.actorbound.it;

import static dev.actorbound.it.TestClients.PAYMENT;
import static dev.actorbound.it.TestClients.CALENDAR_API;
import static dev.actorbound.it.TestClients.CALENDAR_API_SECRET;
import static dev.actorbound.it.TestClients.BOOKING_API;
import static dev.actorbound.it.TestClients.BOOKING_API_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorbound.keycloak.core.AgentAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Delegation token exchange (PROTOCOL §3) against one {@link TestRealm}: the extra agents and resource servers the
 * hand-off tests need, the exchange request itself, and the assertions on what a client and an auditor see.
 */
final class Exchanges {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String DELEGATES = AgentAttributes.DELEGATES;
    static final String MAX_CHAIN_DEPTH = AgentAttributes.MAX_CHAIN_DEPTH;
    static final String TOKEN_EXCHANGE = "TOKEN_EXCHANGE";
    static final String TOKEN_EXCHANGE_ERROR = "TOKEN_EXCHANGE_ERROR";

    /** One exchange request: who asked, what came back, and the event counts just before it was sent. */
    record Attempt(String requester, OAuth.TokenResponse response, long sentAt, int successesBefore, int errorsBefore) {

        String accessToken() {
            return response.accessToken();
        }

        @Override
        public String toString() {
            return requester + " -> " + response;
        }
    }

    private final TestRealm realm;
    private final Delegations flow;

    Exchanges(TestRealm realm) {
        this.realm = realm;
        this.flow = new Delegations(realm);
    }

    /**
     * The setup every exchange realm shares: {@code payment-agent} (reader, writer), {@code booking-agent} also
     * scope-mapped to reader, resource servers {@code booking-api} (reachable for booking and payment through an
     * audience mapper) and {@code calendar-api} (reachable for none), planner delegates booking, booking delegates payment.
     */
    static Exchanges setUp(TestRealm realm) {
        Exchanges exchanges = new Exchanges(realm);
        exchanges.addAgent(PAYMENT, "reader", "writer");
        realm.admin().addClientScopeMappingRealmRoles(realm.name(), TestClients.BOOKING, "reader");
        exchanges.addResourceServer(BOOKING_API, BOOKING_API_SECRET);
        exchanges.addResourceServer(CALENDAR_API, CALENDAR_API_SECRET);
        exchanges.addAudienceMapper(TestClients.BOOKING, BOOKING_API);
        exchanges.addAudienceMapper(PAYMENT, BOOKING_API);
        exchanges.setAttribute(TestClients.PLANNER, DELEGATES, TestClients.BOOKING);
        exchanges.setAttribute(TestClients.BOOKING, DELEGATES, PAYMENT);
        return exchanges;
    }

    Delegations flow() {
        return flow;
    }

    // ---- realm configuration ----

    /** A confidential agent of {@link TestClients} with a service account in the {@code ai-agent} role, accepting both apps. */
    void addAgent(String clientId, String... scopeRoles) {
        realm.addAgent(clientId, secret(clientId), clientId, null, scopeRoles);
    }

    /** A confidential client with no flows: it only validates and introspects tokens. */
    void addResourceServer(String clientId, String secret) {
        realm.admin().createClient(realm.name(), Map.of("clientId", clientId, "publicClient", false, "secret", secret,
                "standardFlowEnabled", false, "directAccessGrantsEnabled", false, "serviceAccountsEnabled", false));
    }

    /** Makes {@code audience} reachable for {@code clientId}: Keycloak then may put it in that client's tokens. */
    void addAudienceMapper(String clientId, String audience) {
        addMapper(clientId, Map.of("name", "audience-" + audience, "protocol", "openid-connect",
                "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", audience, "access.token.claim", "true",
                        "introspection.token.claim", "true", "id.token.claim", "false")));
    }

    /** A JSON claim hard-coded into the access tokens issued to {@code clientId}. */
    void addHardcodedJsonClaim(String clientId, String claim, String json) {
        addMapper(clientId, Map.of("name", "hardcoded-" + claim, "protocol", "openid-connect",
                "protocolMapper", "oidc-hardcoded-claim-mapper",
                "config", Map.of("claim.name", claim, "claim.value", json, "jsonType.label", "JSON",
                        "access.token.claim", "true", "introspection.token.claim", "true",
                        "id.token.claim", "false", "userinfo.token.claim", "false")));
    }

    /** The same, also in the lightweight access tokens of {@code clientId}; its name is {@code hardcoded-<claim>}. */
    void addHardcodedJsonClaimToLightweightTokens(String clientId, String claim, String json) {
        addMapper(clientId, Map.of("name", "hardcoded-" + claim, "protocol", "openid-connect",
                "protocolMapper", "oidc-hardcoded-claim-mapper",
                "config", Map.of("claim.name", claim, "claim.value", json, "jsonType.label", "JSON",
                        "access.token.claim", "true", "lightweight.claim", "true", "introspection.token.claim", "false",
                        "id.token.claim", "false", "userinfo.token.claim", "false")));
    }

    void removeMapper(String clientId, String name) {
        Admin admin = realm.admin();
        String mappers = "/realms/" + realm.name() + "/clients/" + admin.clientUuid(realm.name(), clientId) + "/protocol-mappers/models";
        for (JsonNode mapper : admin.get(mappers).expectOk("mappers of " + clientId).body()) {
            if (name.equals(mapper.path("name").asText())) {
                admin.delete(mappers + "/" + mapper.path("id").asText(), null).expectOk("remove mapper " + name);
            }
        }
    }

    private void addMapper(String clientId, Map<String, ?> mapper) {
        Admin admin = realm.admin();
        admin.post("/realms/" + realm.name() + "/clients/" + admin.clientUuid(realm.name(), clientId)
                + "/protocol-mappers/models", mapper).expectOk("mapper " + mapper.get("name") + " on " + clientId);
    }

    /** Sets a client attribute; an empty value removes it. */
    void setAttribute(String clientId, String name, String value) {
        realm.admin().updateClient(realm.name(), clientId, c -> c.with("attributes").put(name, value));
    }

    // ---- tokens ----

    String secret(String clientId) {
        return TestClients.secretOf(clientId);
    }

    /** The agent's own client_credentials token: its actor token. */
    String ownToken(String agent) {
        return realm.oauth().clientCredentialsToken(realm.name(), agent, secret(agent));
    }

    /** A delegated token from the actor-bound code flow for {@code agent} (which also stores alice's consent). */
    String codeFlowToken(String agent) {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(agent), ownToken(agent));
        assertThat(response.status()).as("code flow for %s: %s", agent, response).isEqualTo(200);
        return response.accessToken();
    }

    /** Alice's plain (no {@code act}) token for {@code travel-planner}. */
    String plainToken() {
        OAuth.TokenResponse response = flow.redeem(flow.plainCode(), null);
        assertThat(response.status()).as("plain code flow: %s", response).isEqualTo(200);
        return response.accessToken();
    }

    // ---- the exchange ----

    Attempt exchange(String requester, String subjectToken) {
        return exchange(requester, subjectToken, ownToken(requester), Map.of());
    }

    Attempt exchange(String requester, String subjectToken, Map<String, String> extra) {
        return exchange(requester, subjectToken, ownToken(requester), extra);
    }

    /** POSTs a token exchange authenticated with HTTP Basic as {@code requester}; {@code actorToken} null: none sent. */
    Attempt exchange(String requester, String subjectToken, String actorToken, Map<String, String> extra) {
        return exchange(requester, subjectToken, actorToken, extra, Map.of());
    }

    /** As above, with extra request headers (a DPoP proof). */
    Attempt exchange(String requester, String subjectToken, String actorToken, Map<String, String> extra,
                     Map<String, String> headers) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", OAuth.ACCESS_TOKEN_TYPE);
        if (actorToken != null) {
            form.put("actor_token", actorToken);
            form.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
        }
        form.putAll(extra);
        int successes = events(TOKEN_EXCHANGE).size();
        int errors = events(TOKEN_EXCHANGE_ERROR).size();
        long sentAt = System.currentTimeMillis();
        OAuth.TokenResponse response = realm.oauth().token(realm.name(), form, requester, secret(requester), headers);
        return new Attempt(requester, response, sentAt, successes, errors);
    }

    // ---- assertions ----

    /**
     * Asserts a successful exchange the way a client and an auditor see it and returns the token's claims, verified
     * with Nimbus: access token only, short-lived, same user, issued to the requester, never outliving the subject
     * token, and one {@code TOKEN_EXCHANGE} event naming the requester and the whole chain.
     */
    JWTClaimsSet assertIssued(Attempt attempt, String subjectToken, String expectedChain) {
        OAuth.TokenResponse response = attempt.response();
        assertThat(response.status()).as(attempt.toString()).isEqualTo(200);
        assertThat(response.body().path("issued_token_type").asText()).isEqualTo(OAuth.ACCESS_TOKEN_TYPE);
        assertThat(response.body().has("refresh_token")).as("no refresh token: %s", response).isFalse();
        assertThat(response.body().path("expires_in").asLong()).isBetween(1L, 300L);
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("no-store");

        JWTClaimsSet subject = Jwt.verify(subjectToken, realm);
        JWTClaimsSet claims = Jwt.verify(response.accessToken(), realm);
        assertThat(claims.getSubject()).isEqualTo(subject.getSubject());
        assertThat(claim(claims, "azp")).isEqualTo(attempt.requester());
        assertThat(claims.getExpirationTime()).isBeforeOrEqualTo(subject.getExpirationTime());

        List<ObjectNode> successes = events(TOKEN_EXCHANGE);
        assertThat(successes).as("one TOKEN_EXCHANGE event per success").hasSize(attempt.successesBefore() + 1);
        ObjectNode event = successes.stream().filter(e -> e.path("time").asLong() >= attempt.sentAt() - 1000)
                .filter(e -> expectedChain.equals(e.path("details").path("actor_chain").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no TOKEN_EXCHANGE event with actor_chain " + expectedChain + " in " + successes));
        assertThat(event.path("details").path("actor").asText()).isEqualTo(attempt.requester());
        assertThat(event.path("clientId").asText()).isEqualTo(attempt.requester());
        assertThat(event.path("userId").asText()).isEqualTo(subject.getSubject());
        assertThat(words(event.path("details").path("granted_roles").asText())).as("granted_roles detail")
                .containsExactlyInAnyOrderElementsOf(allRoles(claims));
        assertThat(words(event.path("details").path("audience").asText())).as("audience detail")
                .containsExactlyInAnyOrderElementsOf(claims.getAudience());
        assertThat(event.toString()).doesNotContain("eyJ");
        return claims;
    }

    /** A refusal with exactly {@code description}. */
    void assertRefused(Attempt attempt, String error, String description) {
        assertThat(refusal(attempt, error)).isEqualTo(description);
    }

    /** A refusal whose description starts with {@code prefix}. */
    void assertRefusedStartingWith(Attempt attempt, String error, String prefix) {
        assertThat(refusal(attempt, error)).startsWith(prefix);
    }

    /**
     * Asserts a refusal (HTTP 400, {@code error}, no token of any kind, no success event, one
     * {@code TOKEN_EXCHANGE_ERROR} event whose {@code reason} is the error_description, nothing token-like in it)
     * and returns the description.
     */
    String refusal(Attempt attempt, String error) {
        OAuth.TokenResponse response = attempt.response();
        assertThat(response.status()).as(attempt.toString()).isEqualTo(400);
        assertThat(response.error()).as(attempt.toString()).isEqualTo(error);
        String description = response.errorDescription();
        assertThat(description).as(attempt.toString()).isNotBlank();
        assertThat(response.body().has("access_token")).isFalse();
        assertThat(response.body().has("refresh_token")).isFalse();
        assertThat(response.body().has("issued_token_type")).isFalse();
        assertThat(response.body().toString()).doesNotContain("eyJ");

        assertThat(events(TOKEN_EXCHANGE)).as("no TOKEN_EXCHANGE success event for a refusal")
                .hasSize(attempt.successesBefore());
        List<ObjectNode> errors = events(TOKEN_EXCHANGE_ERROR);
        assertThat(errors).as("one TOKEN_EXCHANGE_ERROR event per refusal").hasSize(attempt.errorsBefore() + 1);
        ObjectNode event = errors.stream().filter(e -> e.path("time").asLong() >= attempt.sentAt() - 1000)
                .filter(e -> description.equals(e.path("details").path("reason").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no TOKEN_EXCHANGE_ERROR event with reason '" + description + "' in " + errors));
        assertThat(event.path("clientId").asText()).isEqualTo(attempt.requester());
        assertThat(event.path("error").asText()).isNotBlank();
        assertThat(event.toString()).doesNotContain("eyJ");
        return description;
    }

    List<ObjectNode> events(String type) {
        return realm.admin().events(realm.name(), type);
    }

    // ---- claims ----

    /** {@code {sub, client_id}} of an actor, nesting {@code previous} (null for the first actor) under {@code act}. */
    Map<String, Object> act(String agent, Map<String, Object> previous) {
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("sub", realm.agentServiceAccountId(agent));
        act.put("client_id", agent);
        if (previous != null) {
            act.put("act", previous);
        }
        return act;
    }

    /** The expected {@code act} of a chain, oldest actor first: {@code chain(planner, booking)} = booking&lt;planner. */
    Map<String, Object> chain(String... oldestFirst) {
        Map<String, Object> act = null;
        for (String agent : oldestFirst) {
            act = act(agent, act);
        }
        return act;
    }

    static int depth(JWTClaimsSet claims) throws Exception {
        int depth = 0;
        Object act = claims.getJSONObjectClaim("act");
        while (act instanceof Map<?, ?> map) {
            depth++;
            act = map.get("act");
        }
        return depth;
    }

    @SuppressWarnings("unchecked")
    static List<String> realmRoles(JWTClaimsSet claims) throws Exception {
        Map<String, Object> access = claims.getJSONObjectClaim("realm_access");
        if (access == null || access.get("roles") == null) {
            return List.of();
        }
        return ((List<Object>) access.get("roles")).stream().map(String::valueOf).toList();
    }

    /** Realm roles by name and client roles as {@code client:role}: how the events name what a token carries. */
    @SuppressWarnings("unchecked")
    static List<String> allRoles(JWTClaimsSet claims) {
        List<String> roles = new ArrayList<>();
        Map<String, Object> realmAccess = (Map<String, Object>) claims.getClaim("realm_access");
        if (realmAccess != null && realmAccess.get("roles") != null) {
            ((List<Object>) realmAccess.get("roles")).forEach(role -> roles.add(String.valueOf(role)));
        }
        Map<String, Object> resourceAccess = (Map<String, Object>) claims.getClaim("resource_access");
        if (resourceAccess != null) {
            resourceAccess.forEach((client, access) -> ((List<Object>) ((Map<String, Object>) access).get("roles"))
                    .forEach(role -> roles.add(client + ":" + role)));
        }
        return roles;
    }

    static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    static String claim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value == null ? null : value.toString();
    }

    static List<String> scopes(JWTClaimsSet claims) {
        String scope = claim(claims, "scope");
        return scope == null ? List.of() : Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
