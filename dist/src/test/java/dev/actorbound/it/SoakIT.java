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
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak: a fixed number of clients send mixed delegated and plain traffic for a fixed time (code flow with
 * and without an agent, refresh of both, delegation exchange, introspection), each client on a browser session of its
 * own, as real apps keep theirs. What must hold: no request fails, and the realm's users and sessions do not grow
 * with the traffic (Keycloak's counts, before and after). The server's heap after a full collection is sampled as it
 * goes and reported, not asserted: a few minutes are too short for a heap figure to be a verdict.
 *
 * <p>{@code ./mvnw verify} runs a short version ({@code -Dit.soak.seconds}, default 20); {@code ./soak.sh} runs five
 * minutes. The summary is {@code dist/target/soak/summary.md}. Seeded: {@code -Dit.soak.seed}.
 */
@WithRealms
class SoakIT {

    private static final int SECONDS = Integer.getInteger("it.soak.seconds", 20);
    private static final int CLIENTS = Integer.getInteger("it.soak.clients", 2 * Runtime.getRuntime().availableProcessors());
    private static final long SEED = Long.getLong("it.soak.seed", 20261202L);
    private static final int SAMPLES = 5;

    private enum Operation { PLAIN_CODE, DELEGATED_CODE, PLAIN_REFRESH, DELEGATED_REFRESH, EXCHANGE, INTROSPECTION }

    @Test
    void mixedTrafficForAFixedTimeFailsNothingAndLeavesNoSessionsBehind(TestRealm realm) throws Exception {
        Exchanges ex = Exchanges.setUp(realm);
        ex.setAttribute(TestClients.PLANNER, AgentAttributes.REFRESH_ALLOWED, "true");
        ex.addAudienceMapper(TestClients.APP, TestClients.BOOKING_API);
        ex.flow().delegatedCode(TestClients.PLANNER); // alice's consent, stored once
        OAuth oauth = new OAuth(realm.server().baseUrl());

        // Every client warms up with one round of every operation (its login, its session, its tokens), then count.
        List<Client> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Client client = new Client(realm, oauth, new Random(SEED + c));
            client.runOnce();
            clients.add(client);
        }
        Map<String, Long> before = counts(realm);
        OptionalLong heapStart = realm.server().heapAfterGc();

        Map<Operation, AtomicLong> sent = new ConcurrentHashMap<>();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> workers = new ArrayList<>();
        for (Client client : clients) {
            workers.add(pool.submit(() -> client.runUntil(deadline, sent, failures)));
        }
        List<String> heapSamples = new ArrayList<>();
        heapStart.ifPresent(h -> heapSamples.add(mib(h)));
        for (int s = 1; s <= SAMPLES; s++) {
            long until = deadline - (SAMPLES - s) * (SECONDS * 1_000_000_000L / SAMPLES);
            Thread.sleep(Math.max(0, (until - System.nanoTime()) / 1_000_000));
            realm.server().heapAfterGc().ifPresent(h -> heapSamples.add(mib(h)));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        Map<String, Long> after = counts(realm);

        long total = sent.values().stream().mapToLong(AtomicLong::get).sum();
        String summary = String.format(Locale.ROOT, "# Soak%n%n%d clients, %d s, seed %d, Keycloak %s on %s: %d requests "
                        + "(%s), %d failed %s.%n%nUsers and sessions before / after: %s / %s.%n%nServer heap after a full GC, "
                        + "sampled over the run: %s.%n",
                CLIENTS, SECONDS, SEED, System.getProperty("keycloak.version", "?"),
                realm.server().persistentDatabase() ? "PostgreSQL" : "H2", total, sent, failures.values().stream()
                        .mapToLong(AtomicLong::get).sum(), failures, before, after, String.join(" → ", heapSamples));
        Path dir = Path.of("target/soak");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.md"), summary);
        System.out.println(summary);

        assertThat(failures).as("failed requests by operation and answer").isEmpty();
        assertThat(sent.keySet()).as("every operation ran").containsExactlyInAnyOrder(Operation.values());
        assertThat(after).as("users and sessions do not grow with the traffic").isEqualTo(before);
    }

    /** Users of the realm, and active and offline sessions of each client that has any. */
    private static Map<String, Long> counts(TestRealm realm) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Admin admin = realm.admin();
        counts.put("users", admin.get("/realms/" + realm.name() + "/users/count").expectOk("user count").body().asLong());
        for (JsonNode client : admin.get("/realms/" + realm.name() + "/client-session-stats").expectOk("session stats").body()) {
            counts.put(client.path("clientId").asText() + " active", client.path("active").asLong());
            counts.put(client.path("clientId").asText() + " offline", client.path("offline").asLong());
        }
        return counts;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** One client: its own browser session (so logins reuse one SSO session), its own tokens, its own random choices. */
    private static final class Client {
        private final TestRealm realm;
        private final OAuth oauth;
        private final Delegations flow;
        private final Random random;
        private final HttpLogin browser = new HttpLogin(TestRealm.REDIRECT_URI);
        /** The agents' own tokens, fetched again after a minute (realm tokens live five). */
        private final Supplier<String> plannerActor;
        private final Supplier<String> bookingActor;
        private String plainRefresh;
        private String delegatedRefresh;
        private String delegatedAccess;

        Client(TestRealm realm, OAuth oauth, Random random) {
            this.realm = realm;
            this.oauth = oauth;
            this.flow = new Delegations(realm, oauth);
            this.random = random;
            this.plannerActor = Load.fresh(() -> flow.actorToken(TestClients.PLANNER));
            this.bookingActor = Load.fresh(() -> flow.actorToken(TestClients.BOOKING));
        }

        void runOnce() {
            for (Operation operation : Operation.values()) {
                String failure = send(operation);
                assertThat(failure).as("warm-up %s", operation).isNull();
            }
        }

        void runUntil(long deadline, Map<Operation, AtomicLong> sent, Map<String, AtomicLong> failures) {
            Operation[] operations = Operation.values();
            while (System.nanoTime() < deadline) {
                Operation operation = operations[random.nextInt(operations.length)];
                String failure;
                try {
                    failure = send(operation);
                } catch (RuntimeException e) {
                    failure = e.getClass().getSimpleName();
                }
                sent.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
                if (failure != null) {
                    failures.computeIfAbsent(operation + ": " + failure, f -> new AtomicLong()).incrementAndGet();
                }
            }
        }

        /** Sends one request of {@code operation}; null when it succeeded, else what came back. */
        private String send(Operation operation) {
            return switch (operation) {
                case PLAIN_CODE -> redeem(false);
                case DELEGATED_CODE -> redeem(true);
                case PLAIN_REFRESH -> plainRefresh == null ? redeem(false) : keep(flow.refresh(plainRefresh, null), false);
                case DELEGATED_REFRESH -> delegatedRefresh == null ? redeem(true)
                        : keep(flow.refresh(delegatedRefresh, plannerActor.get()), true);
                case EXCHANGE -> delegatedAccess == null ? redeem(true) : exchange();
                case INTROSPECTION -> delegatedAccess == null ? redeem(true) : introspect();
            };
        }

        /** A code from this client's browser session (no password, no page once consented), redeemed. */
        private String redeem(boolean delegated) {
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            Map<String, String> extra = delegated ? Map.of("requested_actor", TestClients.PLANNER) : Map.of();
            HttpLogin.Outcome outcome = browser.authorize(flow.authorizeUrl(pkce, extra), TestRealm.ALICE,
                    TestRealm.ALICE_PASSWORD, "accept");
            if (outcome.code() == null) {
                return "no code (" + outcome.status() + ")";
            }
            return keep(flow.redeem(new Delegations.Code(outcome.code(), pkce), delegated ? plannerActor.get() : null), delegated);
        }

        /** Keeps the tokens of a successful answer for the next refresh, exchange and introspection. */
        private String keep(OAuth.TokenResponse response, boolean delegated) {
            if (response.status() != 200) {
                return "HTTP " + response.status() + " " + response.error();
            }
            if (delegated) {
                delegatedRefresh = response.refreshToken();
                delegatedAccess = response.accessToken();
            } else {
                plainRefresh = response.refreshToken();
            }
            return null;
        }

        private String exchange() {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", Exchanges.GRANT_TYPE);
            form.put("subject_token", delegatedAccess);
            form.put("subject_token_type", OAuth.ACCESS_TOKEN_TYPE);
            form.put("actor_token", bookingActor.get());
            form.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
            OAuth.TokenResponse response = oauth.token(realm.name(), form, TestClients.BOOKING, TestClients.BOOKING_SECRET);
            return response.status() == 200 ? null : "HTTP " + response.status() + " " + response.error();
        }

        private String introspect() {
            JsonNode answer = oauth.introspect(realm.name(), delegatedAccess, TestClients.BOOKING_API, TestClients.BOOKING_API_SECRET);
            return answer.path("active").asBoolean() ? null : "inactive";
        }
    }
}
