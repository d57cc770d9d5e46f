package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A user revokes an agent where Keycloak users already look: the account console's Applications page lists the
 * agent by its name, and "Remove access" there revokes it for every app, at once.
 */
@WithRealms
class AccountConsoleRevokeBrowserIT {


    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
    }


    @Test
    void removeAccessInTheAccountConsoleRevokesTheAgent() {
        OAuth.TokenResponse issued = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        assertThat(realm.isActive(issued.accessToken())).isTrue();

        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            browser.loginAt(realm.server().baseUrl() + "/realms/" + realm.name() + "/account/applications",
                    TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            By toggle = By.id("toggle-" + TestClients.PLANNER);
            wait.until(ExpectedConditions.elementToBeClickable(toggle));
            assertThat(driver.findElement(By.id("applications-list")).getText()).contains("Trip Planner");

            driver.findElement(toggle).click();
            By details = By.id("content-" + TestClients.PLANNER);
            wait.until(ExpectedConditions.visibilityOfElementLocated(details));
            browser.screenshot(Path.of("target/screenshots/account-applications.png"));
            driver.findElement(details).findElement(By.xpath(".//button[normalize-space()='Remove access']")).click();
            By confirm = By.xpath("//div[@role='dialog']//button[normalize-space()='Confirm']");
            wait.until(ExpectedConditions.elementToBeClickable(confirm)).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(toggle));
        }

        assertThat(realm.isActive(issued.accessToken())).as("a token issued under the removed consent").isFalse();
        assertThat(realm.storedConsents(TestRealm.ALICE)).isEmpty();
        HttpLogin.Outcome next = flow.authorize(OAuth.Pkce.s256(), java.util.Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(next.isConsentPage()).as("the next login asks again: %s", next).isTrue();
        assertThat(realm.admin().events(realm.name(), "REVOKE_GRANT").get(0).path("details").path("revoked_client").asText())
                .isEqualTo(TestClients.PLANNER);
    }
}
