package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.actorbound.demo.Demo;
import dev.actorbound.demo.DemoSettings;
import dev.actorbound.demo.Interaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The command-line demo, end to end, against the demo realm on the real server: Chromium plays the person (consent
 * on Keycloak's page, then Revoke on the "Agents that act for me" page), the demo plays the app and both agents and
 * calls the Travel API at each step. The realm is imported on free ports for the loopback redirect and the API.
 */
@ExtendWith(KeycloakServer.class)
class DemoIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theDemoPlaysTheAppBothAgentsAndTheRevocation(KeycloakServer server) throws IOException {
        int callbackPort = freePort();
        String resource = "http://localhost:" + freePort() + "/mcp";
        String realm = DemoRealmIT.importDemoRealm(server, representation -> {
            DemoRealmIT.client(representation, "travel-planner").putArray("redirectUris")
                    .add("http://localhost:" + callbackPort + "/*");
            DemoRealmIT.client(representation, "travel-api").with("attributes").put("resource_url", resource);
        });
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Demo.Result result;
        try (Browser browser = Browser.open()) {
            result = new Demo(new DemoSettings(server.baseUrl(), realm, resource, callbackPort), new Person(browser),
                    new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        } finally {
            server.admin().deleteRealm(realm);
        }

        String transcript = printed.toString(StandardCharsets.UTF_8);
        System.out.print(transcript);
        assertThat(result.withoutToken()).as(transcript).isEqualTo(401);
        assertThat(result.plannerReadsTrips()).as(transcript).isEqualTo(200);
        assertThat(result.bookingBooks()).as(transcript).isEqualTo(200);
        assertThat(result.afterRevocation()).as(transcript).isEqualTo(401);
        assertThat(result.planner().username()).isEqualTo("alice");
        assertThat(result.planner().chain()).containsExactly("planner-agent");
        assertThat(result.planner().roles()).containsExactly("reader", "writer");
        assertThat(result.planner().audience()).containsExactly(DemoRealmIT.API);
        assertThat(result.booking().chain()).containsExactly("booking-agent", "planner-agent");
        assertThat(result.booking().roles()).containsExactly("writer");
        assertThat(result.booking().audience()).containsExactly(DemoRealmIT.API);
        assertThat(result.booking().lifetimeSeconds()).isBetween(1L, 300L);
        assertThat(transcript)
                .contains("resource_metadata=\"" + resource.replace("/mcp", "/.well-known/oauth-protected-resource/mcp") + "\"")
                .contains("planner-agent reads the trips of alice")
                .contains("booking-agent books a trip for alice (handed over by planner-agent)")
                .contains("act       booking-agent < planner-agent")
                .contains("error=\"invalid_token\"")
                .doesNotContain("eyJ");
    }

    /** Chromium as the person at the terminal: consents as alice, later revokes the planner on the my-agents page. */
    private record Person(Browser browser) implements Interaction {

        @Override
        public void consent(String authorizationUrl) {
            browser.navigate(authorizationUrl);
            browser.login("alice", "alice");
            new WebDriverWait(browser.driver(), WAIT).until(ExpectedConditions.elementToBeClickable(By.id("actorbound-accept")))
                    .click();
            new WebDriverWait(browser.driver(), WAIT).until(driver -> browser.currentUrl().contains("/callback"));
        }

        @Override
        public void revoke(String myAgentsUrl, String accountConsoleUrl) {
            browser.navigate(myAgentsUrl);
            WebDriverWait wait = new WebDriverWait(browser.driver(), WAIT);
            wait.until(ExpectedConditions.elementToBeClickable(
                    By.xpath("//button[@aria-label='Revoke Trip Planner in Travel Planner']"))).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.className("kc-feedback-text"),
                    "Trip Planner can no longer act for you in Travel Planner."));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
