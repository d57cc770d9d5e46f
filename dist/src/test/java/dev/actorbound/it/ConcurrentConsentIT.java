package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user who answers "Allow" for the same app and agent in two tabs at once (or whose browser sends the form twice)
 * gets two codes, never a server error: the first answer stores the consent and Keycloak's consent that lists the agent,
 * the second finds them. Each round uses a new user, so that both answers race to create the records.
 */
@WithRealms
class ConcurrentConsentIT {

    private static final int ROUNDS = 6;
    private static final int TABS = 3;

    private static TestRealm realm;
    private static Delegations flow;

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
    }

    @Test
    void allowInTwoTabsAtOnceGivesTwoCodesAndOneConsent() throws Exception {
        ExecutorService tabs = Executors.newFixedThreadPool(TABS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String username = "racer-" + round;
                realm.createUser(username, "reader");
                List<HttpLogin> browsers = new ArrayList<>();
                List<HttpLogin.Outcome> pages = new ArrayList<>();
                List<OAuth.Pkce> pkces = new ArrayList<>();
                for (int tab = 0; tab < TABS; tab++) {
                    // Separate cookie jars: each tab has its own login, so each reaches the page before any answer.
                    HttpLogin browser = new HttpLogin(TestRealm.REDIRECT_URI);
                    OAuth.Pkce pkce = OAuth.Pkce.s256();
                    HttpLogin.Outcome page = browser.authorize(flow.authorizeUrl(pkce, Map.of("requested_actor", TestClients.PLANNER)),
                            username, username + "-password", null);
                    assertThat(page.isConsentPage()).as("tab %d of %s: %s", tab, username, page).isTrue();
                    browsers.add(browser);
                    pages.add(page);
                    pkces.add(pkce);
                }
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<HttpLogin.Outcome>> answers = new ArrayList<>();
                for (int tab = 0; tab < TABS; tab++) {
                    HttpLogin browser = browsers.get(tab);
                    HttpLogin.Outcome page = pages.get(tab);
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        await(start);
                        return browser.answer(page, "accept");
                    }, tabs));
                }
                start.countDown();
                for (int tab = 0; tab < TABS; tab++) {
                    HttpLogin.Outcome outcome = answers.get(tab).get(60, TimeUnit.SECONDS);
                    assertThat(outcome.status()).as("answer of tab %d for %s: %s", tab, username, outcome).isLessThan(500);
                    assertThat(outcome.code()).as("answer of tab %d for %s: %s", tab, username, outcome).isNotBlank();
                    OAuth.TokenResponse token = flow.redeem(new Delegations.Code(outcome.code(), pkces.get(tab)),
                            flow.actorToken(TestClients.PLANNER));
                    assertThat(token.status()).as(token.toString()).isEqualTo(200);
                    assertThat(Jwt.verify(token.accessToken(), realm).getJSONObjectClaim("act")).containsEntry("sub",
                            realm.agentServiceAccountId(TestClients.PLANNER));
                }
                assertThat(realm.storedConsents(username)).as("consents of %s", username)
                        .containsExactly(TestRealm.consent(TestClients.APP, TestClients.PLANNER));
            }
        } finally {
            tabs.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
