package dev.actorbound.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What delegation costs next to Keycloak's own twin of each request, measured in the same run on the same server
 * (and, in {@link #installationCost}, what the jar costs requests that are not delegated):
 * same realm setup, users, request count and number of client threads, after a warm-up, in alternating rounds
 * ({@link Load}), at one client and at 2 × cores clients. Per side: p50, p99, throughput and the server's CPU time per
 * request; then the ratios. The server's heap after a full collection is read before and after all scenarios.
 *
 * <p>Nothing is asserted about time: machines differ, and a timed assertion would fail on a loaded one. What is
 * asserted is that every measured request succeeded (a benchmark of failing requests measures nothing). Results go to
 * {@code dist/target/benchmark/results.md} and {@code results.json}, with the machine they came from.
 *
 * <p>Sizes: {@code -Dit.benchmark.requests} per side and concurrency (default 20, a smoke run that keeps the benchmark
 * working in every {@code ./mvnw verify}), {@code -Dit.benchmark.warmup} (5), {@code -Dit.benchmark.rounds} (2),
 * {@code -Dit.benchmark.roles} (1000 realm roles for the many-roles user; the agent gets a tenth of them). The README's
 * benchmark command ({@code ./benchmark.sh}) runs it with 400 requests.
 */
@WithRealms
class DelegationBenchmarkIT {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int REQUESTS = Integer.getInteger("it.benchmark.requests", 20);
    private static final int WARM_UP = Integer.getInteger("it.benchmark.warmup", 5);
    private static final int ROUNDS = Integer.getInteger("it.benchmark.rounds", 2);
    private static final int ROLES = Integer.getInteger("it.benchmark.roles", 1000);
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final List<Integer> CONCURRENCY = List.of(1, 2 * CORES);

    private static TestRealm realm;
    private static KeycloakServer server;
    private static Exchanges ex;
    private static OAuth oauth;
    /** The code flow and refresh of the measured requests, through {@link #oauth}. */
    private static Delegations measured;
    private static Load load;
    private static final List<Load.Comparison> RESULTS = new ArrayList<>();
    private static final List<String> NOTES = new ArrayList<>();
    private static OptionalLong heapBefore = OptionalLong.empty();
    private static String loadBefore;
    private static Instant started;

    @BeforeAll
    static void setUp(TestRealm fresh) {
        started = Instant.now();
        loadBefore = loadAverage();
        realm = fresh;
        server = fresh.server();
        // One client for every measured request: connections are kept alive, as a real client keeps them.
        oauth = new OAuth(server.baseUrl());
        measured = new Delegations(realm, oauth);
        ex = Exchanges.setUp(realm);
        // The app's tokens reach booking-api, which introspects both sides of the introspection scenario.
        ex.addAudienceMapper(TestClients.APP, TestClients.BOOKING_API);
        ex.setAttribute(TestClients.PLANNER, AgentAttributes.REFRESH_ALLOWED, "true");
        allowStandardExchange(ex);
        load = new Load(server, WARM_UP, REQUESTS, ROUNDS);
        heapBefore = server.heapAfterGc();
    }

    @AfterAll
    static void report() throws IOException {
        OptionalLong heapAfter = server == null ? OptionalLong.empty() : server.heapAfterGc();
        Path dir = Path.of("target/benchmark");
        Files.createDirectories(dir);
        String markdown = markdown(heapAfter);
        Files.writeString(dir.resolve("results.md"), markdown);
        JSON.writeValue(dir.resolve("results.json").toFile(), json(heapAfter));
        System.out.println("\n" + markdown);
    }

    // ---- scenarios ----

    @Test
    void codeRedemption() {
        // One browser-less SSO session per side: codes come without a password or a consent page, untimed.
        HttpLogin plainSession = new HttpLogin(TestRealm.REDIRECT_URI);
        HttpLogin delegatedSession = new HttpLogin(TestRealm.REDIRECT_URI);
        ex.flow().delegatedCode(TestClients.PLANNER); // alice's consent, stored
        Supplier<String> actor = Load.fresh(() -> ex.flow().actorToken(TestClients.PLANNER));
        compare("redeem a code", "plain code",
                n -> codes(plainSession, Map.of(), n, null),
                "actor-bound code with actor_token",
                n -> codes(delegatedSession, Map.of("requested_actor", TestClients.PLANNER), n, actor));
    }

    @Test
    void firstHopExchange() {
        Supplier<String> plain = Load.fresh(ex::plainToken);
        Supplier<String> delegated = Load.fresh(() -> ex.codeFlowToken(TestClients.PLANNER));
        Supplier<String> bookingActor = Load.fresh(() -> ex.ownToken(TestClients.BOOKING));
        control(exchange(realm, TestClients.BOOKING, plain.get(), null), "standard token exchange");
        compare("token exchange, first hop", "standard token exchange (V2)",
                n -> repeat(n, () -> exchange(TestClients.BOOKING, plain.get(), null)),
                "delegation exchange (planner → booking)",
                n -> repeat(n, () -> exchange(TestClients.BOOKING, delegated.get(), bookingActor.get())));
    }

    @Test
    void furtherHopOfAChain() {
        Supplier<String> bookingActor = Load.fresh(() -> ex.ownToken(TestClients.BOOKING));
        Supplier<String> paymentActor = Load.fresh(() -> ex.ownToken(TestClients.PAYMENT));
        Supplier<String> planner = Load.fresh(() -> ex.codeFlowToken(TestClients.PLANNER));
        Supplier<String> hop1 = Load.fresh(() -> exchanged(TestClients.BOOKING, planner.get(), bookingActor.get()));
        compare("token exchange, further hop", "first hop (chain of 2)",
                n -> repeat(n, () -> exchange(TestClients.BOOKING, planner.get(), bookingActor.get())),
                "second hop (booking → payment, chain of 3)",
                n -> repeat(n, () -> exchange(TestClients.PAYMENT, hop1.get(), paymentActor.get())));
    }

    @Test
    void refresh() {
        String actorToken = ex.flow().actorToken(TestClients.PLANNER);
        String plain = ex.flow().redeem(ex.flow().plainCode(), null).refreshToken();
        String delegated = ex.flow().redeem(ex.flow().delegatedCode(TestClients.PLANNER), actorToken).refreshToken();
        Supplier<String> actor = Load.fresh(() -> ex.flow().actorToken(TestClients.PLANNER));
        // Keycloak's default keeps a refresh token usable until it expires: each side reuses its own.
        compare("refresh", "plain refresh",
                n -> repeat(n, () -> ok(measured.refresh(plain, null))),
                "delegated refresh with actor_token",
                n -> repeat(n, () -> ok(measured.refresh(delegated, actor.get()))));
    }

    @Test
    void introspection() {
        Supplier<String> plain = Load.fresh(ex::plainToken);
        Supplier<String> bookingActor = Load.fresh(() -> ex.ownToken(TestClients.BOOKING));
        Supplier<String> paymentActor = Load.fresh(() -> ex.ownToken(TestClients.PAYMENT));
        Supplier<String> threeActors = Load.fresh(() -> exchanged(TestClients.PAYMENT,
                exchanged(TestClients.BOOKING, ex.codeFlowToken(TestClients.PLANNER), bookingActor.get()), paymentActor.get()));
        assertThat(active(plain.get())).as("plain token active at booking-api").isTrue();
        assertThat(active(threeActors.get())).as("3-actor token active at booking-api").isTrue();
        compare("introspection", "plain token",
                n -> repeat(n, () -> active(plain.get())),
                "delegated token, chain of 3 agents",
                n -> repeat(n, () -> active(threeActors.get())));
    }

    /**
     * The twin above is a token from the code flow, whose client session Keycloak keeps. A token from an exchange has
     * none: Keycloak builds a transient user and client session for it at every introspection (and looks the client
     * session up in the database first), its own standard-exchange tokens included. Here both sides pay that: a
     * standard-exchange token issued to booking-agent, and a delegated token from the first hop to the same agent.
     */
    @Test
    void introspectionOfExchangedTokens() {
        Supplier<String> plain = Load.fresh(ex::plainToken);
        Supplier<String> standard = Load.fresh(() -> exchanged(TestClients.BOOKING, plain.get(), null));
        Supplier<String> bookingActor = Load.fresh(() -> ex.ownToken(TestClients.BOOKING));
        Supplier<String> delegated = Load.fresh(() -> exchanged(TestClients.BOOKING, ex.codeFlowToken(TestClients.PLANNER),
                bookingActor.get()));
        assertThat(active(standard.get())).as("standard-exchange token active at booking-api").isTrue();
        assertThat(active(delegated.get())).as("delegated token active at booking-api").isTrue();
        compare("introspection of an exchanged token", "standard-exchange token",
                n -> repeat(n, () -> active(standard.get())),
                "delegated token, first hop",
                n -> repeat(n, () -> active(delegated.get())));
    }

    /**
     * A user with {@link #ROLES} realm roles and agents scope-mapped to a tenth of them, each side in the same realm
     * of its own: the intersection runs over every role, so its cost must not grow faster than Keycloak's own work.
     */
    @Test
    void manyRoles(TestRealm other) {
        Exchanges many = Exchanges.setUp(other);
        allowStandardExchange(many);
        List<String> roles = IntStream.range(0, ROLES).mapToObj(i -> String.format(Locale.ROOT, "role-%04d", i)).toList();
        Admin admin = other.admin();
        admin.post("/realms/" + other.name() + "/partialImport", Map.of("ifResourceExists", "SKIP",
                "roles", Map.of("realm", roles.stream().map(name -> Map.of("name", name)).toList())))
                .expectOk("import " + ROLES + " roles");
        admin.addRealmRolesToUser(other.name(), other.userId(TestRealm.ALICE), roles.toArray(String[]::new));
        String[] agentRoles = roles.subList(0, Math.max(1, ROLES / 10)).toArray(String[]::new);
        admin.addClientScopeMappingRealmRoles(other.name(), TestClients.PLANNER, agentRoles);
        admin.addClientScopeMappingRealmRoles(other.name(), TestClients.BOOKING, agentRoles);
        Supplier<String> plain = Load.fresh(many::plainToken);
        Supplier<String> delegated = Load.fresh(() -> many.codeFlowToken(TestClients.PLANNER));
        Supplier<String> bookingActor = Load.fresh(() -> many.ownToken(TestClients.BOOKING));
        control(exchange(other, TestClients.BOOKING, plain.get(), null), "standard token exchange, many roles");
        OAuth.TokenResponse sample = control(exchange(other, TestClients.BOOKING, delegated.get(), bookingActor.get()),
                "delegation exchange, many roles");
        int carried = Jwt.verify(sample.accessToken(), other).toJSONObject().toString().split("role-").length - 1;
        NOTES.add(String.format(Locale.ROOT, "Many roles: alice holds %d realm roles, planner and booking are scope-mapped "
                + "to %d of them; a delegated token carries %d.", ROLES, agentRoles.length, carried));
        compare("token exchange, many roles", "standard token exchange (V2)",
                n -> repeat(n, () -> ok(exchange(other, TestClients.BOOKING, plain.get(), null))),
                "delegation exchange",
                n -> repeat(n, () -> ok(exchange(other, TestClients.BOOKING, delegated.get(), bookingActor.get()))));
    }

    /**
     * The same exchange hop in realms alike but for the policy engine: none; Cerbos on loopback with the policy ITs'
     * policy; and a loopback PDP that allows everything at once, which separates what asking costs Keycloak (building
     * the question, the HTTP round trip, reading the answer) from the time the PDP itself takes to decide.
     */
    @Test
    void policyDecision(TestRealm withoutPdp, TestRealm withCerbos, TestRealm withInstantPdp) {
        try (CerbosPdp cerbos = CerbosPdp.start(); LoopbackPdp instant = LoopbackPdp.evaluating(DelegationBenchmarkIT::allowAll)) {
            PolicyRealm without = new PolicyRealm(withoutPdp);
            PolicyRealm cerbosRealm = new PolicyRealm(withCerbos);
            cerbosRealm.usePdp(cerbos.url());
            PolicyRealm instantRealm = new PolicyRealm(withInstantPdp);
            instantRealm.usePdp(instant.url());
            Load.Side none = hop(without);
            compare("token exchange with a PDP", "no PDP", none, "AuthZEN PDP (Cerbos) asked", hop(cerbosRealm));
            compare("token exchange with a PDP that answers at once", "no PDP", none,
                    "AuthZEN PDP on loopback, allows at once", hop(instantRealm));
        }
    }

    /**
     * What installing the jar costs requests that have nothing to do with delegation, the traffic a deployment already
     * has: each request goes to a stock Keycloak and to one with the jar, both with the differential realm (plain
     * OAuth clients only), both fresh copies of the distribution started together the same way for this scenario
     * alone ({@link StockTwin#startBothPrivate}), so that neither is warmer than the other. Here the twin is the stock
     * server, and the server's CPU is each side's own. Every path the jar adds to a plain request is in it: the exchange provider's
     * {@code supports}, the guard against delegated input on every grant, the token post-processor, the introspection
     * providers and the client-policy hook.
     */
    @Test
    void installationCost() {
        String name = DifferentialRealm.newName();
        try (StockTwin installed = StockTwin.startBothPrivate()) {
            for (StockTwin.Side side : installed.sides()) {
                side.admin().createRealm(DifferentialRealm.representation(name, clientKey()));
            }
            PlainTraffic stock = new PlainTraffic(installed.stock(), name);
            PlainTraffic withJar = new PlainTraffic(installed.withJar(), name);
            installed("plain code redemption", stock, withJar, PlainTraffic::codes);
            installed("plain refresh", stock, withJar, PlainTraffic::refreshes);
            installed("standard token exchange", stock, withJar, PlainTraffic::exchanges);
            installed("introspection of a plain token", stock, withJar, PlainTraffic::introspections);
        }
    }

    private void installed(String scenario, PlainTraffic stock, PlainTraffic withJar,
                           java.util.function.BiFunction<PlainTraffic, Integer, List<Callable<Boolean>>> requests) {
        for (int concurrency : CONCURRENCY) {
            Load.Comparison result = load.compare("installed: " + scenario, "stock Keycloak", stock.side.server(),
                    n -> requests.apply(stock, n), "with the jar", withJar.side.server(), n -> requests.apply(withJar, n), concurrency);
            assertThat(result.twin().failures()).as("%s: failed requests on the stock server at %d clients", scenario, concurrency).isZero();
            assertThat(result.ours().failures()).as("%s: failed requests on the server with the jar at %d clients", scenario, concurrency).isZero();
            RESULTS.add(result);
        }
    }

    /** The same plain requests to one server of a {@link StockTwin}, through one client that keeps its connections. */
    private static final class PlainTraffic {
        private final StockTwin.Side side;
        private final String realmName;
        private final OAuth client;
        private final HttpLogin browser = new HttpLogin(DifferentialRealm.REDIRECT_URI);
        private final Supplier<OAuth.TokenResponse> tokens;

        PlainTraffic(StockTwin.Side side, String realmName) {
            this.side = side;
            this.realmName = realmName;
            this.client = side.oauth();
            this.tokens = Load.fresh(() -> control(client.token(realmName, Map.of("grant_type", "password",
                    "username", DifferentialRealm.ALICE, "password", DifferentialRealm.ALICE_PASSWORD, "scope", "openid"),
                    "backend", DifferentialRealm.BACKEND_SECRET), side.label() + ": password grant"));
        }

        /** Codes of one SSO session (logged in once, untimed), each redeemed by the confidential client with S256. */
        List<Callable<Boolean>> codes(int n) {
            List<Callable<Boolean>> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                OAuth.Pkce pkce = OAuth.Pkce.s256();
                HttpLogin.Outcome outcome = browser.authorize(client.authorizeUrl(realmName, "backend",
                        DifferentialRealm.REDIRECT_URI, "openid", "st", pkce, Map.of()), DifferentialRealm.ALICE,
                        DifferentialRealm.ALICE_PASSWORD, null);
                assertThat(outcome.code()).as("%s: %s", side.label(), outcome).isNotBlank();
                Map<String, String> form = Map.of("grant_type", "authorization_code", "code", outcome.code(),
                        "redirect_uri", DifferentialRealm.REDIRECT_URI, "code_verifier", pkce.verifier());
                requests.add(() -> ok(client.token(realmName, form, "backend", DifferentialRealm.BACKEND_SECRET)));
            }
            return requests;
        }

        /** Keycloak's default keeps a refresh token usable until it expires: one is reused. */
        List<Callable<Boolean>> refreshes(int n) {
            String refreshToken = tokens.get().refreshToken();
            return repeat(n, () -> ok(client.token(realmName, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                    "backend", DifferentialRealm.BACKEND_SECRET)));
        }

        /** Keycloak's standard exchange (V2) by {@code exchanger}, named in the subject token's audience, for target-api. */
        List<Callable<Boolean>> exchanges(int n) {
            String subject = tokens.get().accessToken();
            return repeat(n, () -> ok(client.token(realmName, Map.of("grant_type", Exchanges.GRANT_TYPE, "subject_token", subject,
                    "subject_token_type", OAuth.ACCESS_TOKEN_TYPE, "audience", "target-api"),
                    "exchanger", DifferentialRealm.EXCHANGER_SECRET)));
        }

        /** Introspected by {@code exchanger}, an API in the token's audience (Keycloak tells any other client inactive). */
        List<Callable<Boolean>> introspections(int n) {
            String token = tokens.get().accessToken();
            assertThat(active(token)).as("%s: introspection (control)", side.label()).isTrue();
            return repeat(n, () -> active(token));
        }

        private boolean active(String token) {
            return client.introspect(realmName, token, "exchanger", DifferentialRealm.EXCHANGER_SECRET).path("active").asBoolean();
        }
    }

    private static com.nimbusds.jose.jwk.RSAKey clientKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("client-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An AuthZEN evaluations answer that allows every evaluation of {@code request}. */
    private static String allowAll(String request) {
        try {
            int n = JSON.readTree(request).path("evaluations").size();
            return "{\"evaluations\":[" + String.join(",", Collections.nCopies(Math.max(n, 1), "{\"decision\":true}")) + "]}";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The twin of a delegation exchange: Keycloak's standard token exchange (V2) by the same client, booking-agent,
     * which V2 only allows for a subject token whose audience names it.
     */
    private static void allowStandardExchange(Exchanges exchanges) {
        exchanges.setAttribute(TestClients.BOOKING, "standard.token.exchange.enabled", "true");
        exchanges.addAudienceMapper(TestClients.APP, TestClients.BOOKING);
    }

    // ---- requests ----

    private static Load.Side hop(PolicyRealm policyRealm) {
        Exchanges e = policyRealm.exchanges;
        Supplier<String> subject = Load.fresh(() -> e.codeFlowToken(TestClients.PLANNER));
        Supplier<String> actor = Load.fresh(() -> e.ownToken(TestClients.BOOKING));
        return n -> repeat(n, () -> ok(exchange(policyRealm.realm, TestClients.BOOKING, subject.get(), actor.get())));
    }

    private void compare(String scenario, String twinName, Load.Side twin, String oursName, Load.Side ours) {
        for (int concurrency : CONCURRENCY) {
            Load.Comparison result = load.compare(scenario, twinName, twin, oursName, ours, concurrency);
            assertThat(result.twin().failures()).as("%s: failed requests of %s at %d clients", scenario, twinName, concurrency).isZero();
            assertThat(result.ours().failures()).as("%s: failed requests of %s at %d clients", scenario, oursName, concurrency).isZero();
            RESULTS.add(result);
        }
    }

    private static List<Callable<Boolean>> repeat(int n, Callable<Boolean> request) {
        return Collections.nCopies(n, request);
    }

    private static List<Callable<Boolean>> codes(HttpLogin session, Map<String, String> extra, int n, Supplier<String> actor) {
        List<Callable<Boolean>> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OAuth.Pkce pkce = OAuth.Pkce.s256();
            HttpLogin.Outcome outcome = session.authorize(ex.flow().authorizeUrl(pkce, extra), TestRealm.ALICE, TestRealm.ALICE_PASSWORD, "accept");
            assertThat(outcome.code()).as(outcome.toString()).isNotBlank();
            Delegations.Code code = new Delegations.Code(outcome.code(), pkce);
            String actorToken = actor == null ? null : actor.get();
            requests.add(() -> ok(measured.redeem(code, actorToken)));
        }
        return requests;
    }

    private static boolean exchange(String requester, String subject, String actorToken) {
        return ok(exchange(realm, requester, subject, actorToken));
    }

    private static OAuth.TokenResponse exchange(TestRealm in, String requester, String subject, String actorToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", Exchanges.GRANT_TYPE);
        form.put("subject_token", subject);
        form.put("subject_token_type", OAuth.ACCESS_TOKEN_TYPE);
        actorParameters(form, actorToken);
        return oauth.token(in.name(), form, requester, TestClients.secretOf(requester));
    }

    private static String exchanged(String requester, String subject, String actorToken) {
        OAuth.TokenResponse response = exchange(realm, requester, subject, actorToken);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.accessToken();
    }

    private static void actorParameters(Map<String, String> form, String actorToken) {
        if (actorToken != null) {
            form.put("actor_token", actorToken);
            form.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
        }
    }

    private static boolean active(String token) {
        return oauth.introspect(realm.name(), token, TestClients.BOOKING_API, TestClients.BOOKING_API_SECRET)
                .path("active").asBoolean();
    }

    /** One request of a side before it is measured: if it fails, the answer says why. */
    private static OAuth.TokenResponse control(OAuth.TokenResponse response, String what) {
        assertThat(response.status()).as("%s (control): %s", what, response).isEqualTo(200);
        return response;
    }

    private static boolean ok(OAuth.TokenResponse response) {
        return response.status() == 200 && response.accessToken() != null;
    }

    // ---- report ----

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String machine() {
        return String.format(Locale.ROOT, "%d cores, %s %s (%s), Java %s, %d MiB RAM", CORES, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), System.getProperty("java.version"),
                totalMemoryMiB());
    }

    private static long totalMemoryMiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return -1;
    }

    private static String database() {
        return server != null && server.persistentDatabase() ? "PostgreSQL (production mode)" : "H2 (dev-mem)";
    }

    private static long totalRequests() {
        return RESULTS.stream().mapToLong(r -> r.twin().latencies().length + r.ours().latencies().length).sum();
    }

    private static String markdown(OptionalLong heapAfter) {
        StringBuilder md = new StringBuilder("# Delegation benchmark\n\n");
        md.append(String.format(Locale.ROOT, "%s; Keycloak %s on %s, loopback; %d requests per side and concurrency "
                        + "after %d warm-up, %d alternating rounds; load average %s before, %s after; %s.%n%n",
                machine(), System.getProperty("keycloak.version", "?"), database(), REQUESTS, WARM_UP, ROUNDS,
                loadBefore, loadAverage(), started));
        md.append("| scenario | clients | Keycloak's twin | p50 ms | p99 ms | req/s | CPU ms/req | with Actorbound | p50 ms | p99 ms | req/s | CPU ms/req | p50 ratio | p99 ratio | throughput ratio | CPU ratio |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Load.Comparison r : RESULTS) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %.0f | %.2f | %s | %.1f | %.1f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                    r.scenario(), r.concurrency(), r.twinName(), r.twin().p50(), r.twin().p99(), r.twin().throughput(), r.twin().cpuPerRequest(),
                    r.oursName(), r.ours().p50(), r.ours().p99(), r.ours().throughput(), r.ours().cpuPerRequest(),
                    r.p50Ratio(), r.p99Ratio(), r.throughputRatio(), r.cpuRatio()));
        }
        md.append('\n');
        RESULTS.stream().filter(r -> r.scenario().contains("PDP")).forEach(r -> md.append(String.format(Locale.ROOT,
                "%s at %d clients: adds %.1f ms at p50 and %.1f ms at p99.%n", r.oursName(), r.concurrency(),
                r.ours().p50() - r.twin().p50(), r.ours().p99() - r.twin().p99())));
        NOTES.forEach(note -> md.append(note).append('\n'));
        md.append(String.format(Locale.ROOT, "%nServer heap after a full GC: %s before, %s after %d measured requests (plus warm-up and set-up).%n",
                mib(heapBefore), mib(heapAfter), totalRequests()));
        return md.toString();
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%.1f MiB", bytes.getAsLong() / 1048576.0) : "unknown";
    }

    private static ObjectNode json(OptionalLong heapAfter) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", CORES);
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("memoryMiB", totalMemoryMiB());
        machine.put("loadAverageBefore", loadBefore);
        machine.put("loadAverageAfter", loadAverage());
        root.put("keycloak", System.getProperty("keycloak.version", "?"));
        root.put("database", database());
        root.put("started", String.valueOf(started));
        root.put("requestsPerSide", REQUESTS);
        root.put("warmUp", WARM_UP);
        root.put("rounds", ROUNDS);
        heapBefore.ifPresent(v -> root.put("heapAfterGcBeforeBytes", v));
        heapAfter.ifPresent(v -> root.put("heapAfterGcAfterBytes", v));
        root.put("measuredRequests", totalRequests());
        ArrayNode results = root.putArray("results");
        for (Load.Comparison r : RESULTS) {
            ObjectNode row = results.addObject();
            row.put("scenario", r.scenario());
            row.put("concurrency", r.concurrency());
            side(row.putObject("twin"), r.twinName(), r.twin());
            side(row.putObject("actorbound"), r.oursName(), r.ours());
            row.put("p50Ratio", r.p50Ratio());
            row.put("p99Ratio", r.p99Ratio());
            row.put("throughputRatio", r.throughputRatio());
            row.put("cpuRatio", r.cpuRatio());
        }
        ArrayNode notes = root.putArray("notes");
        NOTES.forEach(notes::add);
        return root;
    }

    private static void side(ObjectNode node, String name, Load.Measured m) {
        node.put("name", name);
        node.put("requests", m.latencies().length);
        node.put("p50Ms", m.p50());
        node.put("p99Ms", m.p99());
        node.put("throughputPerSecond", m.throughput());
        node.put("cpuMsPerRequest", m.cpuPerRequest());
    }
}
