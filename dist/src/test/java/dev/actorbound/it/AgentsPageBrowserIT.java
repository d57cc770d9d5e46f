package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An admin configures an agent on the Agents page of the real admin console (headless Chromium), and the delegated
 * flow follows: the app left off the agent's list is refused. An admin who may not edit the agent client is told why
 * the page refuses the entry. Also the stock screen that gives a client's service account the agent role.
 * Screenshots land in {@code target/screenshots/} for the README.
 */
@WithRealms
class AgentsPageBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
    }

    @Test
    void adminRestrictsAnAgentToAnotherAppAndTheFlowObeys() {
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            openNewAgentForm(browser);
            type(driver, "agent", TestClients.PLANNER);
            type(driver, "allowedClients0", TestClients.BACKEND);
            browser.screenshot(SCREENSHOTS.resolve("agents-page-form.png"));
            click(driver, By.cssSelector("[data-testid='save']"));
            visible(driver, By.xpath("//*[contains(@class,'pf-v5-c-alert__title') and contains(., 'Saved successfully')]"));

            click(driver, By.linkText("Agents"));
            WebElement row = visible(driver, By.linkText(TestClients.PLANNER));
            assertThat(row.findElement(By.xpath("ancestor::tr")).getText()).contains(TestClients.BACKEND);
            browser.screenshot(SCREENSHOTS.resolve("agents-page-list.png"));
        }

        assertThat(realm.admin().clientAttributes(realm.name(), TestClients.PLANNER).path(AgentAttributes.ALLOWED_CLIENTS).asText())
                .isEqualTo(TestClients.BACKEND);
        ObjectNode event = flow.assertAuthorizationRefused(flow.authorize(Map.of("requested_actor", TestClients.PLANNER)),
                "unauthorized_client", AgentsPage.NOT_ACCEPTED);
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.PLANNER);
    }

    @Test
    void adminSeesWhyAnEntryForAnUnknownClientIsRefused() {
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            openNewAgentForm(browser);
            type(driver, "agent", "ghost-agent");
            click(driver, By.cssSelector("[data-testid='save']"));

            WebElement alert = visible(driver, By.xpath("//*[contains(@class,'pf-v5-c-alert') and contains(., 'ghost-agent')]"));
            assertThat(alert.getText()).contains("There is no client \"ghost-agent\" in this realm.");
            browser.screenshot(SCREENSHOTS.resolve("agents-page-error.png"));
        }
        assertThat(realm.admin().pageComponents(realm.name(), AgentsPage.PROVIDER_ID))
                .noneMatch(c -> c.path("config").path("agent").path(0).asText().equals("ghost-agent"));
    }

    /** Keycloak lets a manage-realm admin open the page and submit it; saving still needs the right to edit the client. */
    @Test
    void adminWhoMayNotEditTheAgentClientSeesWhyTheEntryIsRefused() {
        realm.createAdmin("realm-admin", "manage-realm", "view-realm", "view-clients");
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            browser.loginAt(realm.server().baseUrl() + "/admin/" + realm.name() + "/console/#/" + realm.name() + "/",
                    "realm-admin", "realm-admin-password");
            visible(driver, By.cssSelector("[data-testid='currentRealm']"));
            openNewAgentFormInOpenConsole(driver);
            type(driver, "agent", TestClients.PLANNER);
            type(driver, "allowedClients0", TestClients.BACKEND);
            click(driver, By.cssSelector("[data-testid='save']"));

            WebElement alert = visible(driver, By.xpath("//*[contains(@class,'pf-v5-c-alert') and contains(., 'manage-clients')]"));
            assertThat(alert.getText()).contains("You may not change the settings of the agent \"planner-agent\": that "
                    + "needs the right to edit this client (the role manage-clients, or a permission to manage this client).");
        }
        assertThat(realm.admin().pageComponents(realm.name(), AgentsPage.PROVIDER_ID))
                .noneMatch(c -> c.path("config").path("agent").path(0).asText().equals(TestClients.PLANNER));
        assertThat(realm.admin().clientAttributes(realm.name(), TestClients.PLANNER).path(AgentAttributes.ALLOWED_CLIENTS).asText())
                .isEqualTo(TestClients.APP + "," + TestClients.BACKEND);
    }

    /** The stock screen that makes a client an agent: its service account holds the realm role ai-agent. */
    @Test
    void serviceAccountRolesTabShowsTheAgentRole() {
        String uuid = realm.admin().clientUuid(realm.name(), TestClients.PLANNER);
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            openConsole(browser);

            driver.get(realm.server().baseUrl() + "/admin/master/console/#/" + realm.name() + "/clients/" + uuid
                    + "/serviceAccount");
            WebElement role = visible(driver, By.xpath("//td[.//text()[normalize-space()='" + TestRealm.AGENT_ROLE + "']]"));
            assertThat(role.findElement(By.xpath("ancestor::tr")).getText()).contains(TestRealm.AGENT_ROLE);
            browser.screenshot(SCREENSHOTS.resolve("agent-service-account-roles.png"));
        }
    }

    /** Logs into the master realm's console as the bootstrap admin, looking at the test realm. */
    private static void openConsole(Browser browser) {
        browser.loginAt(realm.server().baseUrl() + "/admin/master/console/#/" + realm.name() + "/", "admin", "admin");
        visible(browser.driver(), By.cssSelector("[data-testid='currentRealm']"));
    }

    /** The click path an admin follows: Agents in the left navigation, then Create item. */
    private static void openNewAgentForm(Browser browser) {
        openConsole(browser);
        openNewAgentFormInOpenConsole(browser.driver());
    }

    private static void openNewAgentFormInOpenConsole(WebDriver driver) {
        click(driver, By.linkText("Agents"));
        visible(driver, By.xpath("//h1[normalize-space()='Agents']"));
        click(driver, By.xpath("//*[self::a or self::button][normalize-space()='Create item']"));
    }

    private static void type(WebDriver driver, String field, String value) {
        WebElement input = visible(driver, By.cssSelector("input[data-testid='" + field + "'], input[data-testid='config."
                + field + "']"));
        input.clear();
        input.sendKeys(value);
    }

    private static void click(WebDriver driver, By by) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    private static WebElement visible(WebDriver driver, By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }
}
