package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The consent page as a user meets it in real Chromium: deny, remembered consent, a wider request, another
 * language, the keyboard, and a realm with another login theme.
 */
@WithRealms
class ConsentPageBrowserIT {

    private static final By CONSENT = By.id("actorbound-consent");

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
    }

    private static WebDriverWait waitFor(Browser browser) {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(30));
    }

    private static String url(String agent, String scope, Map<String, String> extra) {
        Map<String, String> params = new java.util.LinkedHashMap<>(extra);
        params.put("requested_actor", agent);
        return realm.oauth().authorizeUrl(realm.name(), TestClients.APP, TestRealm.REDIRECT_URI, scope, Delegations.STATE,
                OAuth.Pkce.s256(), params);
    }

    @Test
    void denyReturnsAccessDeniedToTheAppAndRecordsTheAgent() {
        try (Browser browser = Browser.open()) {
            browser.loginAt(url(TestClients.BOOKING, "openid", Map.of()), TestRealm.BOB, TestRealm.BOB_PASSWORD);
            waitFor(browser).until(ExpectedConditions.visibilityOfElementLocated(CONSENT));

            browser.driver().findElement(By.id("actorbound-deny")).click();

            Map<String, String> callback = browser.awaitRedirect(TestRealm.REDIRECT_URI);
            assertThat(callback).containsEntry("error", "access_denied").containsEntry("state", Delegations.STATE)
                    .doesNotContainKey("code");
        }
        ObjectNode event = flow.event("GRANT_CONSENT_ERROR", "the user denied the agent");
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.BOB));
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.BOOKING);
    }

    @Test
    void rememberedConsentSkipsThePageAndAWiderRequestAsksAgain() {
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            browser.loginAt(url(TestClients.PLANNER, "openid", Map.of()), TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            waitFor(browser).until(ExpectedConditions.visibilityOfElementLocated(CONSENT));
            Map<String, String> listed = listedScopes(driver);
            assertThat(listed).as("the app's default scopes, though the request said scope=openid")
                    .containsEntry("profile", "User profile").containsEntry("email", "Email address")
                    .containsEntry("roles", "User roles").containsKey("openid").doesNotContainKey("phone");
            assertThat(listed.keySet()).containsAll(realm.admin().defaultClientScopes(realm.name(), TestClients.APP));
            driver.findElement(By.id("actorbound-accept")).click();
            assertThat(browser.awaitRedirect(TestRealm.REDIRECT_URI)).containsKey("code");

            browser.navigate(url(TestClients.PLANNER, "openid email", Map.of()));
            assertThat(browser.awaitRedirect(TestRealm.REDIRECT_URI)).as("email was on the page already: no page")
                    .containsKey("code").doesNotContainKey("error");

            browser.navigate(url(TestClients.PLANNER, "openid phone", Map.of()));
            waitFor(browser).until(ExpectedConditions.visibilityOfElementLocated(CONSENT));
            assertThat(listedScopes(driver)).containsEntry("phone", "Phone number").containsKeys(listed.keySet().toArray(String[]::new));
            driver.findElement(By.id("actorbound-accept")).click();
            assertThat(browser.awaitRedirect(TestRealm.REDIRECT_URI)).containsKey("code");

            browser.navigate(url(TestClients.PLANNER, "openid", Map.of("prompt", "consent")));
            waitFor(browser).until(ExpectedConditions.visibilityOfElementLocated(CONSENT));
        }
    }

    /** The scopes the page lists, by name ({@code data-scope}), each with the text the user reads. */
    private static Map<String, String> listedScopes(WebDriver driver) {
        Map<String, String> listed = new java.util.LinkedHashMap<>();
        driver.findElements(By.cssSelector("#actorbound-consent [data-scope]"))
                .forEach(e -> listed.put(e.getAttribute("data-scope"), e.getText().trim()));
        return listed;
    }

    private static void updateRealm(java.util.function.Consumer<ObjectNode> change) {
        String realmPath = "/realms/" + realm.name();
        ObjectNode representation = (ObjectNode) realm.admin().get(realmPath).body();
        change.accept(representation);
        assertThat(realm.admin().put(realmPath, representation).ok()).isTrue();
    }

    @Test
    void pageSpeaksGermanAndWorksWithTheKeyboardAlone() {
        updateRealm(r -> {
            r.put("internationalizationEnabled", true);
            r.putArray("supportedLocales").add("en").add("de");
            r.put("defaultLocale", "en");
        });
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            browser.loginAt(url(TestClients.PLANNER, "openid", Map.of("ui_locales", "de", "prompt", "consent")),
                    TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            waitFor(browser).until(ExpectedConditions.visibilityOfElementLocated(CONSENT));
            assertThat(driver.findElement(By.id("actorbound-accept")).getAttribute("value")).isEqualTo("Erlauben");
            assertThat(driver.findElement(By.id("actorbound-deny")).getAttribute("value")).isEqualTo("Ablehnen");
            assertThat(listedScopes(driver)).as("Keycloak's own texts, in German")
                    .containsEntry("profile", "Benutzerprofil").containsEntry("email", "E-Mail Adresse");
            assertThat(driver.findElements(By.cssSelector("#actorbound-consent h2"))).as("headings for screen readers")
                    .hasSizeGreaterThanOrEqualTo(2);

            // Tab until the accept button has focus, then press Enter: no mouse involved.
            WebElement accept = driver.findElement(By.id("actorbound-accept"));
            driver.findElement(By.tagName("body")).click();
            for (int i = 0; i < 40 && !accept.equals(driver.switchTo().activeElement()); i++) {
                driver.switchTo().activeElement().sendKeys(Keys.TAB);
            }
            assertThat(driver.switchTo().activeElement()).as("accept is reachable with Tab").isEqualTo(accept);
            accept.sendKeys(Keys.ENTER);
            assertThat(browser.awaitRedirect(TestRealm.REDIRECT_URI)).containsKey("code");
        }
    }

    @Test
    void pageRendersInARealmWithAnotherLoginTheme() {
        updateRealm(r -> r.put("loginTheme", "base"));
        try (Browser browser = Browser.open()) {
            browser.loginAt(url(TestClients.BOOKING, "openid", Map.of("prompt", "consent")), TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            waitFor(browser).until(ExpectedConditions.visibilityOfElementLocated(CONSENT));
            assertThat(browser.driver().findElement(By.id("actorbound-agent-name")).getText()).isEqualTo("Booking Agent");
        } finally {
            updateRealm(r -> r.put("loginTheme", "keycloak.v2"));
        }
    }
}
