package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Measures what delegation costs next to Keycloak's own twin of each request, in the same run, on the same server:
 * code redemption (delegated vs plain), refresh (delegated with actor token vs plain) and introspection (delegated
 * vs plain token). Requests alternate between the two sides so that load on the machine hits both alike. The result
 * is a table of medians and their ratio in {@code dist/target/benchmark.md} and the test output; nothing is asserted
 * about time (machines differ), only that every measured request succeeded.
 * Iterations: {@code -Dit.benchmark.iterations} (default 40).
 */
@WithRealms
class DelegationBenchmarkIT {

    private static final int WARM_UP = 5;

    private static TestRealm realm;
    private static Delegations flow;
    private static final Map<String, double[]> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void createRealm(TestRealm fresh) {
        realm = fresh;
        flow = new Delegations(realm);
        realm.addResourceServer();
        realm.admin().updateClient(realm.name(), TestClients.PLANNER, c -> c.with("attributes").put(AgentAttributes.REFRESH_ALLOWED, "true"));
    }

    @AfterAll
    static void report() throws IOException {
        if (realm != null) {
            realm.close();
        }
        StringBuilder table = new StringBuilder("| request | Keycloak (median ms) | Actorbound (median ms) | ratio |\n|---|---|---|---|\n");
        RESULTS.forEach((name, medians) -> table.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n",
                name, medians[0], medians[1], medians[1] / medians[0])));
        System.out.println("\nDelegation benchmark (" + iterations() + " iterations each):\n" + table);
        Files.writeString(Path.of("target/benchmark.md"), table.toString());
    }

    private static int iterations() {
        return Integer.getInteger("it.benchmark.iterations", 40);
    }

    /** Times {@code plain} and {@code delegated} alternately; each supplier returns whether its request succeeded. */
    private static void compare(String name, Supplier<Runnable> plain, Supplier<Runnable> delegated) {
        for (int i = 0; i < WARM_UP; i++) {
            plain.get().run();
            delegated.get().run();
        }
        List<Long> plainTimes = new ArrayList<>();
        List<Long> delegatedTimes = new ArrayList<>();
        for (int i = 0; i < iterations(); i++) {
            plainTimes.add(time(plain.get()));
            delegatedTimes.add(time(delegated.get()));
        }
        RESULTS.put(name, new double[] {median(plainTimes), median(delegatedTimes)});
    }

    private static long time(Runnable request) {
        long start = System.nanoTime();
        request.run();
        return System.nanoTime() - start;
    }

    private static double median(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2] / 1_000_000.0;
    }

    private static void ok(OAuth.TokenResponse response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    @Test
    void codeRedemption() {
        // One browser-less SSO session per side: codes come without a password check or a consent page.
        HttpLogin plainSession = new HttpLogin(TestRealm.REDIRECT_URI);
        HttpLogin delegatedSession = new HttpLogin(TestRealm.REDIRECT_URI);
        flow.delegatedCode(TestClients.PLANNER);
        String actorToken = flow.actorToken(TestClients.PLANNER);
        compare("authorization_code redemption",
                () -> {
                    Delegations.Code code = code(plainSession, Map.of());
                    return () -> ok(flow.redeem(code, null));
                },
                () -> {
                    Delegations.Code code = code(delegatedSession, Map.of("requested_actor", TestClients.PLANNER));
                    return () -> ok(flow.redeem(code, actorToken));
                });
    }

    private static Delegations.Code code(HttpLogin session, Map<String, String> extra) {
        OAuth.Pkce pkce = OAuth.Pkce.s256();
        HttpLogin.Outcome outcome = session.authorize(flow.authorizeUrl(pkce, extra), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
        assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
        return new Delegations.Code(outcome.code(), pkce);
    }

    @Test
    void refresh() {
        String actorToken = flow.actorToken(TestClients.PLANNER);
        String[] plain = {flow.redeem(flow.plainCode(), null).refreshToken()};
        String[] delegated = {flow.redeem(flow.delegatedCode(TestClients.PLANNER), actorToken).refreshToken()};
        compare("refresh_token",
                () -> () -> plain[0] = refreshed(plain[0], null),
                () -> () -> delegated[0] = refreshed(delegated[0], actorToken));
    }

    private static String refreshed(String refreshToken, String actorToken) {
        OAuth.TokenResponse response = flow.refresh(refreshToken, actorToken);
        ok(response);
        return response.refreshToken();
    }

    @Test
    void introspection() {
        String plain = flow.redeem(flow.plainCode(), null).accessToken();
        String delegated = flow.redeem(flow.delegatedCode(TestClients.PLANNER), flow.actorToken(TestClients.PLANNER)).accessToken();
        compare("token introspection",
                () -> () -> assertThat(realm.isActive(plain)).isTrue(),
                () -> () -> assertThat(realm.isActive(delegated)).isTrue());
    }

}
