package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorbound.keycloak.policy.PdpSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The click path the README gives, in the real admin console (headless Chromium): Realm settings, tab Policy
 * decisions, fill in, Save; the realm's attributes follow. A screenshot lands in {@code target/screenshots/}.
 */
@WithRealms
class PolicySettingsTabBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private static TestRealm realm;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
    }

    @Test
    void adminPointsTheRealmAtAPdp() {
        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            browser.loginAt(realm.server().baseUrl() + "/admin/master/console/#/" + realm.name() + "/", "admin", "admin");
            visible(driver, By.cssSelector("[data-testid='currentRealm']"));
            click(driver, By.linkText("Realm settings"));
            // The last of Realm settings' many tabs, beyond the tab bar's scroll arrow in a small window: followed by its link.
            WebElement tab = new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//a[@role='tab'][normalize-space()='Policy decisions']")));
            ((JavascriptExecutor) driver).executeScript("arguments[0].click();", tab);

            type(driver, "url", "http://127.0.0.1:3592");
            type(driver, "user-attributes0", "department");
            type(driver, "credential", "${vault.pdp-token}");
            browser.screenshot(SCREENSHOTS.resolve("policy-decisions-tab.png"));
            click(driver, By.cssSelector("[data-testid='save']"));
            visible(driver, By.xpath("//*[contains(@class,'pf-v5-c-alert__title') and contains(., 'Saved successfully')]"));
        }

        JsonNode attributes = realm.admin().get("/realms/" + realm.name()).body().path("attributes");
        assertThat(attributes.path(PdpSettings.URL).asText()).isEqualTo("http://127.0.0.1:3592");
        assertThat(attributes.path(PdpSettings.USER_ATTRIBUTES).asText()).isEqualTo("department");
        assertThat(attributes.path(PdpSettings.CREDENTIAL).asText()).isEqualTo("${vault.pdp-token}");
        assertThat(attributes.path(PdpSettings.TIMEOUT_MS).asText()).isEqualTo(String.valueOf(PdpSettings.DEFAULT_TIMEOUT_MS));
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
