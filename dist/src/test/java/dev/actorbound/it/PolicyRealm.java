package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actorbound.keycloak.core.AgentAttributes;
import dev.actorbound.keycloak.core.AuditDetails;
import dev.actorbound.keycloak.core.ActorboundErrors;
import dev.actorbound.keycloak.policy.PdpSettings;
import dev.actorbound.keycloak.policy.TokenPolicy;

/**
 * A test realm set up for the policy ITs, and the moves they share. On top of {@link Exchanges#setUp}: the agent
 * {@value TestClients#ROGUE}, which the Cerbos policy quarantines; alice in department {@code operations}, bob in {@code sales}
 * and holding {@code writer} too (the policy gives agents {@code writer} for operations only); refresh allowed for
 * the planner. The PDP is set the way admin REST, kcadm and the Policy decisions tab set it: realm attributes.
 */
final class PolicyRealm {

    static final String DEPARTMENT = "department";
    private static final Pattern LISTED_ROLES = Pattern.compile("id=\"actorbound-roles\"[^>]*>(.*?)</ul>", Pattern.DOTALL);

    final TestRealm realm;
    final Exchanges exchanges;
    final Delegations flow;

    PolicyRealm(TestRealm realm) {
        this.realm = realm;
        this.exchanges = Exchanges.setUp(realm);
        this.flow = exchanges.flow();
        exchanges.addAgent(TestClients.ROGUE, "reader");
        realm.admin().addRealmRolesToUser(realm.name(), realm.userId(TestRealm.BOB), "writer");
        realm.setUserAttribute(TestRealm.ALICE, DEPARTMENT, "operations");
        realm.setUserAttribute(TestRealm.BOB, DEPARTMENT, "sales");
        exchanges.setAttribute(TestClients.PLANNER, AgentAttributes.REFRESH_ALLOWED, "true");
    }

    /** Points the realm at the PDP at {@code url}, sending {@value #DEPARTMENT}; {@code more} sets further attributes. */
    void usePdp(String url, Map<String, String> more) {
        Map<String, String> attributes = new LinkedHashMap<>();
        PdpSettings.KEYS.forEach(key -> attributes.put(key, ""));
        attributes.put(PdpSettings.URL, url);
        attributes.put(PdpSettings.USER_ATTRIBUTES, DEPARTMENT);
        attributes.putAll(more);
        realm.admin().updateRealm(realm.name(), rep -> attributes.forEach(rep.with("attributes")::put));
    }

    void usePdp(String url) {
        usePdp(url, Map.of());
    }

    /** The newest stored event of {@code type}. */
    ObjectNode newestEvent(String type) {
        List<ObjectNode> events = realm.admin().events(realm.name(), type);
        assertThat(events).as("%s events", type).isNotEmpty();
        return events.get(0);
    }

    /** Bob logs in and is shown the agent consent page for {@code agent} (prompt=consent). */
    HttpLogin.Outcome bobsConsentPage(HttpLogin bob, OAuth.Pkce pkce, String agent) {
        HttpLogin.Outcome page = bob.authorize(flow.authorizeUrl(pkce, Map.of("requested_actor", agent, "prompt", "consent")),
                TestRealm.BOB, TestRealm.BOB_PASSWORD, null);
        assertThat(page.isConsentPage()).as(page.toString()).isTrue();
        return page;
    }

    /** The role lines the consent page lists, tags stripped. */
    static List<String> listedRoles(HttpLogin.Outcome page) {
        Matcher m = LISTED_ROLES.matcher(page.page());
        assertThat(m.find()).as("the consent page lists roles").isTrue();
        return Pattern.compile("<li>(.*?)</li>", Pattern.DOTALL).matcher(m.group(1)).results()
                .map(r -> r.group(1).trim()).toList();
    }

    /**
     * A token-endpoint request the policy could not decide on: 503 {@code temporarily_unavailable}, nothing issued, and
     * an event of {@code eventType} with error {@code policy_unavailable}, the description as reason and the cause.
     */
    ObjectNode assertUnavailable(OAuth.TokenResponse response, String eventType) {
        assertThat(response.status()).as(response.toString()).isEqualTo(503);
        assertThat(response.error()).isEqualTo("temporarily_unavailable");
        assertThat(response.errorDescription()).isEqualTo(TokenPolicy.UNAVAILABLE);
        assertThat(response.body().has("access_token")).isFalse();
        assertThat(response.body().has("refresh_token")).isFalse();
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        ObjectNode event = flow.event(eventType, TokenPolicy.UNAVAILABLE);
        assertThat(event.path("error").asText()).isEqualTo(ActorboundErrors.POLICY_UNAVAILABLE);
        assertThat(event.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("unavailable");
        assertThat(event.path("details").path(AuditDetails.POLICY_ERROR).asText()).isNotBlank();
        assertThat(event.toString()).doesNotContain("eyJ");
        return event;
    }

    /** The authorization endpoint could not ask the PDP: the app gets {@code temporarily_unavailable}, no page, no code. */
    ObjectNode assertAuthorizationUnavailable(HttpLogin.Outcome outcome) {
        assertThat(outcome.isConsentPage()).as("no consent page without a decision").isFalse();
        ObjectNode event = flow.assertAuthorizationRefused(outcome, "temporarily_unavailable",
                dev.actorbound.keycloak.policy.ConsentPolicy.UNAVAILABLE);
        assertThat(event.path("error").asText()).isEqualTo(ActorboundErrors.POLICY_UNAVAILABLE);
        assertThat(event.path("details").path(AuditDetails.POLICY_DECISION).asText()).isEqualTo("unavailable");
        return event;
    }
}
