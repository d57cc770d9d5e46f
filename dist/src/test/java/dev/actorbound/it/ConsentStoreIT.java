package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stored consent as the runtime relies on it: removing it revokes at once, and a value a user (or admin)
 * wrote by hand is not a consent. The realm lets admins edit unmanaged attributes, the widest exposure Keycloak
 * allows, so both paths can be driven through admin REST.
 */
@WithRealms
class ConsentStoreIT {

    private static final String PREFIX = "actorbound.consent.";

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        String path = "/realms/" + realm.name() + "/users/profile";
        ObjectNode profile = (ObjectNode) realm.admin().get(path).body();
        profile.put("unmanagedAttributePolicy", "ADMIN_EDIT");
        assertThat(realm.admin().put(path, profile).ok()).isTrue();
    }

    private static String userPath() {
        return "/realms/" + realm.name() + "/users/" + realm.userId(TestRealm.ALICE);
    }

    private static ObjectNode alice() {
        return (ObjectNode) realm.admin().get(userPath()).body();
    }

    private static void rewriteConsents(java.util.function.Consumer<ObjectNode> change) {
        ObjectNode user = alice();
        change.accept(user.with("attributes"));
        assertThat(realm.admin().put(userPath(), user).ok()).isTrue();
    }

    private static void removeConsents(ObjectNode attributes) {
        Iterator<String> names = attributes.fieldNames();
        while (names.hasNext()) {
            if (names.next().startsWith(PREFIX)) {
                names.remove();
            }
        }
    }

    @Test
    void consentRemovedBetweenConsentAndRedemptionIsRevoked() {
        Delegations.Code code = flow.delegatedCode(TestClients.PLANNER);
        assertThat(alice().path("attributes").fieldNames()).toIterable().anyMatch(n -> n.startsWith(PREFIX));

        rewriteConsents(ConsentStoreIT::removeConsents);

        flow.assertRefused(flow.redeem(code, flow.actorToken(TestClients.PLANNER)), "invalid_grant",
                "the user's consent to this agent was revoked", ActorboundErrors.CONSENT_REVOKED, TestClients.PLANNER);
    }

    @Test
    void handWrittenConsentIsNotAConsent() {
        String app = realm.admin().clientUuid(realm.name(), TestClients.APP);
        String agent = realm.admin().clientUuid(realm.name(), TestClients.BOOKING);
        rewriteConsents(attributes -> attributes.putArray(PREFIX + app + "." + agent).add("granted"));

        HttpLogin session = new HttpLogin(TestRealm.REDIRECT_URI);
        assertThat(session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(), Map.of()), TestRealm.ALICE,
                TestRealm.ALICE_PASSWORD, null).code()).isNotBlank();
        HttpLogin.Outcome outcome = session.authorize(flow.authorizeUrl(OAuth.Pkce.s256(),
                Map.of("requested_actor", TestClients.BOOKING, "prompt", "none")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);

        assertThat(outcome.callback()).as(outcome.toString()).containsEntry("error", "consent_required")
                .doesNotContainKey("code");
    }

    @Test
    void consentCopiedToAnotherAgentIsNotAConsent() {
        // Both agents consented, so both have their stock-consent mirror: only the record's signature can tell.
        flow.delegatedCode(TestClients.BOOKING);
        flow.delegatedCode(TestClients.PLANNER);
        String app = realm.admin().clientUuid(realm.name(), TestClients.APP);
        String planner = realm.admin().clientUuid(realm.name(), TestClients.PLANNER);
        String booking = realm.admin().clientUuid(realm.name(), TestClients.BOOKING);
        String signed = alice().path("attributes").path(PREFIX + app + "." + planner).get(0).asText();
        assertThat(signed).isNotBlank();
        rewriteConsents(attributes -> attributes.putArray(PREFIX + app + "." + booking).add(signed));

        HttpLogin.Outcome outcome = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.BOOKING), null);

        assertThat(outcome.isConsentPage()).as("a copied consent must not skip the page: %s", outcome).isTrue();
    }
}
