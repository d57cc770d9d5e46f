package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actorbound.keycloak.policy.PdpSettings;
import dev.actorbound.keycloak.policy.PolicySettingsTabFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Realm settings tab "Policy decisions" through admin REST, the calls the console makes: saving it writes the
 * realm's PDP attributes, bad values are refused with a message an admin can act on, deleting it turns the policy off,
 * and only an admin who may manage the realm can do any of it.
 */
@WithRealms
class PolicySettingsTabIT {

    private static TestRealm realm;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
    }

    @AfterEach
    void removeTab() {
        tabs().forEach(tab -> realm.admin().delete("/realms/" + realm.name() + "/components/" + tab.path("id").asText(), null));
    }

    private static List<JsonNode> tabs() {
        List<JsonNode> found = new java.util.ArrayList<>();
        realm.admin().get("/realms/" + realm.name() + "/components?type=" + Admin.encode(Admin.UI_TAB_PROVIDER)).body()
                .forEach(component -> {
                    if (PolicySettingsTabFactory.PROVIDER_ID.equals(component.path("providerId").asText())) {
                        found.add(component);
                    }
                });
        return found;
    }

    private static ObjectNode tab(Map<String, List<String>> config) {
        return realm.admin().tabComponent(realm.name(), PolicySettingsTabFactory.PROVIDER_ID, config);
    }

    private static Map<String, List<String>> settings(String... pairs) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            config.put(pairs[i], List.of(pairs[i + 1].split("\\|")));
        }
        return config;
    }

    private static Admin.Response save(Admin admin, Map<String, List<String>> config) {
        return admin.post("/realms/" + realm.name() + "/components", tab(config));
    }

    /** The realm's {@code actorbound.pdp.*} attributes as admin REST (and kcadm, and an export) shows them. */
    private static Map<String, String> pdpAttributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        realm.admin().get("/realms/" + realm.name()).body().path("attributes").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("actorbound.pdp.")) {
                attributes.put(e.getKey(), e.getValue().asText());
            }
        });
        return attributes;
    }

    @Test
    void savedTabBecomesTheRealmAttributesAndDeletingItTurnsThePolicyOff() {
        Admin.Response created = save(realm.admin(), settings("url", "https://pdp.example.org", "timeout-ms", "250",
                "user-attributes", "department|cost-center", "credential", "${vault.pdp-token}", "cache-ttl-seconds", "30"));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(pdpAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                PdpSettings.URL, "https://pdp.example.org",
                PdpSettings.TIMEOUT_MS, "250",
                PdpSettings.USER_ATTRIBUTES, "department,cost-center",
                PdpSettings.CREDENTIAL, "${vault.pdp-token}",
                PdpSettings.CACHE_TTL_SECONDS, "30"));

        String id = created.createdId();
        // The console sends every field of the form, the emptied ones empty.
        ObjectNode changed = tab(settings("url", "https://pdp2.example.org", "timeout-ms", "", "user-attributes", "",
                "credential", "", "cache-ttl-seconds", ""));
        changed.put("id", id);
        Admin.Response updated = realm.admin().put("/realms/" + realm.name() + "/components/" + id, changed);
        assertThat(updated.ok()).as(updated.toString()).isTrue();
        assertThat(pdpAttributes()).as("an empty field removes its attribute: the default applies")
                .containsExactlyInAnyOrderEntriesOf(Map.of(PdpSettings.URL, "https://pdp2.example.org"));

        assertThat(realm.admin().delete("/realms/" + realm.name() + "/components/" + id, null).ok()).isTrue();
        assertThat(pdpAttributes()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "url;ftp://pdp.example.org;PDP URL must be an absolute http or https URL without query or fragment.",
            "timeout-ms;5;Timeout (milliseconds) must be a whole number from 10 to 10000.",
            "cache-ttl-seconds;7200;Decision cache (seconds) must be a whole number from 0 to 3600.",
            "credential;my-secret;Credential must be a vault reference such as ${vault.pdp-token}, never the secret itself"})
    void badValuesAreRefusedWithAMessage(String field, String value, String message) {
        Map<String, List<String>> config = settings("url", "https://pdp.example.org");
        config.put(field, List.of(value));

        Admin.Response refused = save(realm.admin(), config);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("errorMessage").asText()).startsWith(message);
        assertThat(pdpAttributes()).isEmpty();
    }

    /** PostgreSQL cannot store text holding NUL: a 400 that names the field, never a 500, and no attribute written. */
    @Test
    void aValueWithANulCharacterIsRefusedWithAMessage() {
        Map<String, List<String>> config = settings("url", "https://pdp.example.org");
        config.put("user-attributes", List.of("department", "cost\u0000center"));

        Admin.Response refused = save(realm.admin(), config);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("errorMessage").asText())
                .isEqualTo("User attributes sent contains a NUL character (U+0000), which cannot be saved.");
        assertThat(pdpAttributes()).isEmpty();
    }

    /** Keycloak validates a component on update too: the saved settings stay as they were. */
    @Test
    void anUpdateWithANulCharacterIsRefusedAndKeepsTheSavedSettings() {
        String id = save(realm.admin(), settings("url", "https://pdp.example.org")).createdId();
        ObjectNode changed = tab(settings("url", "https://pdp.example.org", "credential", "${vault.pdp\u0000}"));
        changed.put("id", id);

        Admin.Response refused = realm.admin().put("/realms/" + realm.name() + "/components/" + id, changed);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("errorMessage").asText())
                .isEqualTo("Credential (vault reference) contains a NUL character (U+0000), which cannot be saved.");
        assertThat(pdpAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of(PdpSettings.URL, "https://pdp.example.org"));
    }

    @Test
    void onlyAnAdminWhoMayManageTheRealmCanSaveIt() {
        Admin viewer = realm.createAdmin("realm-viewer", "view-realm", "manage-clients");
        Admin.Response refused = save(viewer, settings("url", "https://pdp.example.org"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(pdpAttributes()).isEmpty();

        Admin manager = realm.createAdmin("realm-manager", "manage-realm");
        Admin.Response saved = save(manager, settings("url", "https://pdp.example.org"));
        assertThat(saved.status()).as(saved.toString()).isEqualTo(201);
        assertThat(pdpAttributes()).containsEntry(PdpSettings.URL, "https://pdp.example.org");
    }
}
