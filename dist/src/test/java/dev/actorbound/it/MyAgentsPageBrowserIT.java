package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.ActorboundErrors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * "Agents that act for me" as alice lives it: real Chromium opens the page, logs in through the redirect, sees her
 * agents, revokes one; then the revocation is checked where it matters (introspection, the next login, the events),
 * and the page's guards are probed over plain HTTP.
 */
@WithRealms
class MyAgentsPageBrowserIT {

    private static final String PAGE_CLIENT = "actorbound-my-agents";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
    }

    private static String pageUrl() {
        return realm.issuer() + "/actorbound/my-agents";
    }

    @Test
    void aliceSeesBothAgentsRevokesOneAndItStopsWorking() {
        String plannerToken = delegatedToken(TestClients.PLANNER);
        String bookingToken = delegatedToken(TestClients.BOOKING);
        assertThat(realm.isActive(bookingToken)).as("booking token before revocation").isTrue();

        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            driver.get(pageUrl());
            browser.login(TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("actorbound-my-agents")));
            assertThat(browser.currentUrl()).as("back on the page, without the code in the address bar").isEqualTo(pageUrl());
            assertThat(driver.findElement(By.id("actorbound-my-agents-title")).getText()).isEqualTo("Agents that act for me");
            assertThat(driver.findElement(By.cssSelector("section.actorbound-app h2")).getText()).isEqualTo("In travel-planner");
            assertThat(agentNames(driver)).containsExactly("Booking Agent", "Trip Planner");

            WebElement booking = agent(driver, TestClients.BOOKING);
            assertThat(booking.findElement(By.className("actorbound-app-name")).getText()).isEqualTo(TestClients.APP);
            assertThat(booking.findElement(By.className("actorbound-agent-description")).getText())
                    .isEqualTo("Books flights and hotels for approved trips.");
            assertThat(booking.findElement(By.className("actorbound-roles")).getText()).contains("writer").doesNotContain("reader");
            assertThat(booking.findElement(By.className("actorbound-scopes")).getText()).contains("openid");
            assertThat(agent(driver, TestClients.PLANNER).findElement(By.className("actorbound-roles")).getText()).contains("reader");
            assertGrantedJustNow(booking);

            browser.screenshot(Path.of("target/screenshots/my-agents.png"));
            driver.findElement(By.xpath("//button[@aria-label='Revoke Booking Agent in travel-planner']")).click();

            new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.className("kc-feedback-text"), "Booking Agent can no longer act for you in travel-planner."));
            assertThat(agentNames(driver)).containsExactly("Trip Planner");
            driver.get(pageUrl());
            new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("actorbound-my-agents")));
            assertThat(agentNames(driver)).as("after a reload").containsExactly("Trip Planner");
        }

        ObjectNode event = realm.admin().events(realm.name(), "REVOKE_GRANT").get(0);
        assertThat(event.path("clientId").asText()).isEqualTo(TestClients.APP);
        assertThat(event.path("userId").asText()).isEqualTo(realm.userId(TestRealm.ALICE));
        assertThat(event.path("details").path("actor").asText()).isEqualTo(TestClients.BOOKING);
        assertThat(event.path("details").path("revoked_client").asText()).isEqualTo(TestClients.APP);

        assertThat(realm.isActive(bookingToken)).as("token issued under the revoked consent").isFalse();
        assertThat(realm.isActive(plannerToken)).as("the other agent's token").isTrue();
        assertThat(flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.BOOKING), null).isConsentPage())
                .as("the revoked agent must ask again").isTrue();
        HttpLogin.Outcome planner = flow.authorize(OAuth.Pkce.s256(), Map.of("requested_actor", TestClients.PLANNER), null);
        assertThat(planner.code()).as("the agent still allowed is not asked again: %s", planner).isNotBlank();
    }

    @Test
    void thePageIsListedWithItsLinkInTheAccountConsole() throws Exception {
        OAuth.TokenResponse token = flow.redeem(flow.plainCode(), null);
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(realm.issuer() + "/account/applications"))
                .header("Authorization", "Bearer " + token.accessToken()).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode page = null;
        for (JsonNode app : Admin.read(response.body())) {
            if (PAGE_CLIENT.equals(app.path("clientId").asText())) {
                page = app;
            }
        }
        assertThat(page).as("applications: %s", response.body()).isNotNull();
        assertThat(page.path("effectiveUrl").asText()).isEqualTo(pageUrl());

        try (Browser browser = Browser.open()) {
            WebDriver driver = browser.driver();
            browser.loginAt(realm.issuer() + "/account/applications", TestRealm.ALICE, TestRealm.ALICE_PASSWORD);
            // the account console shows the client's localized name as a link that opens the page in a new window
            WebElement link = new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(
                    By.xpath("//a[contains(normalize-space(.), 'Agents that act for me')]")));
            browser.screenshot(Path.of("target/screenshots/my-agents-in-account-console.png"));
            String console = driver.getWindowHandle();
            link.click();
            new WebDriverWait(driver, WAIT).until(d -> d.getWindowHandles().size() > 1);
            driver.getWindowHandles().stream().filter(h -> !h.equals(console)).findFirst()
                    .ifPresent(h -> driver.switchTo().window(h));
            new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("actorbound-my-agents")));
            assertThat(browser.currentUrl()).isEqualTo(pageUrl());
        }
    }

    @Test
    void aUserWithoutAgentsIsToldSo() {
        HttpLogin bob = new HttpLogin(pageUrl());
        assertThat(bob.authorize(pageUrl(), TestRealm.BOB, TestRealm.BOB_PASSWORD, null).callback()).containsKey("code");
        HttpResponse<String> page = bob.get(pageUrl());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"actorbound-my-agents-empty\"").contains("No agent may act for you.")
                .doesNotContain("class=\"actorbound-agent\"");
    }

    @Test
    void withoutSessionThePageSendsTheUserToLogInAndBackToItOnly() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pageUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(realm.oauth().endpoint(realm.name(), "auth") + "?");
        Map<String, String> query = OAuth.queryParameters(location);
        assertThat(query).containsEntry("client_id", PAGE_CLIENT).containsEntry("redirect_uri", pageUrl())
                .containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "code_challenge");
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("id=\"username\"");

        HttpResponse<String> callbackWithoutSession = http.send(HttpRequest.newBuilder(
                URI.create(pageUrl() + "?code=forged&state=x")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(callbackWithoutSession.statusCode()).as("no redirect loop").isEqualTo(401);
        assertThat(callbackWithoutSession.body()).contains("You could not be signed in");
    }

    @Test
    void revokeIsRefusedWithoutTheTokenFromAnotherOriginAndForUnknownPairs() {
        flow.delegatedCode(TestClients.PLANNER);
        HttpLogin alice = new HttpLogin(pageUrl());
        HttpLogin.Outcome login = alice.authorize(pageUrl(), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, null);
        assertThat(login.callback()).as("%s", login).containsKey("code");
        HttpResponse<String> page = alice.get(pageUrl());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(page.body()).contains("data-agent=\"" + TestClients.PLANNER + "\"").doesNotContain("eyJ");
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String token = csrf.group(1);
        String app = realm.admin().clientUuid(realm.name(), TestClients.APP);
        String planner = realm.admin().clientUuid(realm.name(), TestClients.PLANNER);
        Map<String, String> sameOrigin = Map.of("Origin", realm.server().baseUrl());
        String revoke = pageUrl() + "/revoke";

        assertRefused(alice.post(revoke, Map.of("app", app, "agent", planner), sameOrigin), 403, "did not come from this page");
        assertRefused(alice.post(revoke, Map.of("app", app, "agent", planner, "csrf_token", "wrong" + token), sameOrigin),
                403, "did not come from this page");
        assertRefused(alice.post(revoke, Map.of("app", app, "agent", planner, "csrf_token", token),
                Map.of("Origin", "http://evil.example")), 403, "did not come from this page");
        assertRefused(alice.post(revoke, Map.of("app", app, "agent", planner, "csrf_token", token), Map.of()),
                403, "did not come from this page");
        assertRefused(alice.post(revoke, Map.of("app", app, "agent", UUID.randomUUID().toString(), "csrf_token", token),
                sameOrigin), 400, "has no permission to act for you");
        assertRefused(new HttpLogin(pageUrl()).post(revoke, Map.of("app", app, "agent", planner, "csrf_token", token),
                sameOrigin), 401, "Your session has ended");

        assertThat(alice.get(pageUrl()).body()).as("nothing was revoked").contains("data-agent=\"" + TestClients.PLANNER + "\"");
        List<ObjectNode> errors = realm.admin().events(realm.name(), "REVOKE_GRANT_ERROR");
        assertThat(errors).extracting(e -> e.path("error").asText()).contains("invalid_request", ActorboundErrors.CONSENT_NOT_FOUND);
        assertThat(realm.admin().events(realm.name(), "REVOKE_GRANT"))
                .noneMatch(e -> TestClients.PLANNER.equals(e.path("details").path("actor").asText()));
    }

    private static void assertRefused(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(response.body()).contains(message).contains("id=\"actorbound-my-agents\"");
    }

    private static String delegatedToken(String agent) {
        OAuth.TokenResponse response = flow.redeem(flow.delegatedCode(agent), flow.actorToken(agent));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.accessToken();
    }

    private static List<String> agentNames(WebDriver driver) {
        return driver.findElements(By.cssSelector(".actorbound-agent .actorbound-agent-name")).stream()
                .map(WebElement::getText).toList();
    }

    private static WebElement agent(WebDriver driver, String clientId) {
        return driver.findElement(By.cssSelector(".actorbound-agent[data-agent='" + clientId + "']"));
    }

    /** The date is shown in the user's language (English here) and in UTC, and it is the moment of the consent. */
    private static void assertGrantedJustNow(WebElement entry) {
        WebElement time = entry.findElement(By.cssSelector(".actorbound-granted-at time"));
        Instant grantedAt = Instant.parse(time.getAttribute("datetime"));
        assertThat(grantedAt).isBetween(Instant.now().minus(Duration.ofMinutes(10)), Instant.now().plusSeconds(60));
        String expected = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                .withLocale(Locale.ENGLISH).withZone(ZoneOffset.UTC).format(grantedAt);
        assertThat(time.getText()).isEqualTo(expected + " (UTC)");
    }
}
