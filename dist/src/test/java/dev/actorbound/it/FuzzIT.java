package dev.actorbound.it;

import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.CALENDAR_API;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Random and malformed values for every parameter the extension reads, at the authorization endpoint, the token
 * endpoint (code, refresh, exchange), introspection, the my-agents page, and the admin REST input the extension reads
 * (the Agents page, the realm's PDP settings tab, the consent import), as a jqwik property
 * against the shared real Keycloak. Whatever arrives: never a 5xx, never a token or a code, never a stack trace or
 * token text in a response; and after the run no server error or sent token in the server log.
 *
 * <p>{@code -Dit.fuzz.requests=<n>} sets the tries (default 10,000, one request each); every run prints its seed, and
 * {@code -Dit.fuzz.seed=<n>} replays it request for request. A failing request is shrunk by jqwik to a smaller one
 * that still fails, and shown with each value as its length and first characters, never a whole token. Real tokens
 * are among the inputs only in mutated form, or beside another input that is certainly wrong, so that no request of
 * the run is a valid one: any token in a response is a finding.
 */
class FuzzIT {

    private static final int REQUESTS = Integer.getInteger("it.fuzz.requests", 10_000);
    private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final List<String> TOKEN_FIELDS = List.of("access_token", "refresh_token", "id_token", "issued_token_type");
    private static final List<String> TOKEN_ENDPOINT = List.of("code", "refresh", "exchange");
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "java.lang.", "dev.actorbound.", "org.keycloak.");
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final List<String> TRICKY = List.of("", " ", "null", "undefined", "{}", "[]", "\"", "'", "%00",
            "\u0000", "../../admin", "${jndi:ldap://x}", "<script>", "' OR 1=1 --", "openid openid", "S256 S256",
            "a\r\nb: c", "planner-agent ", " planner-agent", "PLANNER-AGENT", "planner-agent,booking-agent", "-1", "0",
            "2147483648", "9999999999999999999", "1e9", "true", "TRUE");

    private static KeycloakServer server;
    private static TestRealm realm;
    private static String actorToken;
    private static String delegatedToken;
    private static String refreshToken;
    private static long logStart;
    private static final List<String> sentTokens = new ArrayList<>();
    private static final Map<String, Integer> answers = new ConcurrentHashMap<>();

    @BeforeContainer
    static void setUp() throws IOException {
        server = KeycloakServer.shared();
        realm = TestRealm.create(server);
        Exchanges ex = Exchanges.setUp(realm);
        realm.admin().updateClient(realm.name(), PLANNER,
                c -> c.with("attributes").put(AgentAttributes.REFRESH_ALLOWED, "true"));
        actorToken = ex.ownToken(PLANNER);
        OAuth.TokenResponse delegated = ex.flow().redeem(ex.flow().delegatedCode(PLANNER), actorToken);
        delegatedToken = delegated.accessToken();
        refreshToken = delegated.refreshToken();
        sentTokens.addAll(List.of(actorToken, delegatedToken, refreshToken));
        logStart = Files.size(server.logFile());
    }

    @AfterContainer
    static void deleteRealm() {
        if (realm != null) {
            realm.close();
        }
    }

    /*
     * No jqwik edge cases: combined over seven targets and their parameters they outnumber the tries and would spend
     * most of them on the first target; the tricky values of text() are drawn on every try instead.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    @AddLifecycleHook(SeedAndServerLog.class)
    void noInputGetsAServerErrorATokenOrALeak(@ForAll("requests") Request request) {
        Sent sent = request.send();
        answers.merge(request.target() + " " + sent.status(), 1, Integer::sum);
        String finding = check(request.target(), sent);
        assertThat(finding).as("%s answered HTTP %d", request, sent.status()).isNull();
    }

    @Provide
    Arbitrary<Request> requests() {
        return Arbitraries.oneOf(authorize(), redeemCode(), refresh(), exchange(), introspect(), myAgents(), agentsPage(),
                policyTab(), consentImport());
    }

    // ---- targets: each an arbitrary of one kind of request ----

    private Arbitrary<Request> authorize() {
        return request("authorize",
                always("client_id", Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(APP)), Tuple.of(1, text()))),
                always("redirect_uri", Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(TestRealm.REDIRECT_URI)),
                        Tuple.of(1, text()))),
                always("response_type", oneOf("code", "code", "token")),
                always("state", Arbitraries.just("s")),
                maybe("scope", oneOf("openid", "openid phone")),
                maybe("requested_actor", oneOf(PLANNER, BOOKING, "https://example.com/agent")),
                maybe("code_challenge", oneOf(OAuth.Pkce.s256().challenge())),
                maybe("code_challenge_method", oneOf("S256", "plain")),
                maybe("prompt", oneOf("none", "consent", "login")));
    }

    private Arbitrary<Request> redeemCode() {
        return request("code",
                always("grant_type", Arbitraries.just("authorization_code")),
                always("client_id", Arbitraries.just(APP)),
                always("code", text()),
                always("redirect_uri", Arbitraries.just(TestRealm.REDIRECT_URI)),
                maybe("code_verifier", text()),
                maybe("actor_token", token(actorToken, true)),
                maybe("actor_token_type", oneOf(OAuth.ACCESS_TOKEN_TYPE, "urn:ietf:params:oauth:token-type:jwt")));
    }

    private Arbitrary<Request> refresh() {
        return request("refresh",
                always("grant_type", Arbitraries.just("refresh_token")),
                always("client_id", Arbitraries.just(APP)),
                always("refresh_token", token(refreshToken, false)),
                maybe("actor_token", token(actorToken, true)),
                maybe("actor_token_type", oneOf(OAuth.ACCESS_TOKEN_TYPE)),
                maybe("scope", text()));
    }

    /** Booking authenticates for real; the subject token is mutated, or the request carries one certain error. */
    private Arbitrary<Request> exchange() {
        return request("exchange",
                always("grant_type", Arbitraries.just(EXCHANGE)),
                always("subject_token", token(delegatedToken, true)),
                always("subject_token_type", oneOf(OAuth.ACCESS_TOKEN_TYPE)),
                maybe("actor_token", token(actorToken, true)),
                maybe("actor_token_type", oneOf(OAuth.ACCESS_TOKEN_TYPE)),
                maybe("scope", text()),
                maybe("resource", text()),
                maybe("requested_token_type", oneOf(OAuth.ACCESS_TOKEN_TYPE)),
                maybe("audience", oneOf(CALENDAR_API)),
                always("no-such-client", text()))
                .map(request -> {
                    Map<String, String> form = new LinkedHashMap<>(request.parameters());
                    String suffix = form.remove("no-such-client");
                    if (delegatedToken.equals(form.get("subject_token"))) {
                        // planner's own token is never booking's actor token: certainly refused, whatever else was drawn
                        form.put("actor_token", actorToken);
                        form.put("audience", "no-such-client-" + suffix);
                    }
                    return new Request("exchange", form);
                });
    }

    private Arbitrary<Request> introspect() {
        return request("introspect",
                always("token", Arbitraries.of(delegatedToken, refreshToken, actorToken).flatMap(t -> token(t, false))),
                maybe("token_type_hint", oneOf("access_token", "refresh_token", "requesting_party_token")));
    }

    private Arbitrary<Request> myAgents() {
        return request("my-agents",
                always("method", Arbitraries.of("GET", "POST")),
                maybe("csrf_token", text()),
                maybe("app", text()),
                maybe("agent", text()));
    }

    private Arbitrary<Request> agentsPage() {
        return request("agents-page",
                always("agent", oneOf(PLANNER, BOOKING)),
                maybe("allowedClients", text()),
                maybe("delegates", text()),
                maybe("maxChainDepth", text()),
                maybe("tokenLifespan", text()),
                maybe("refreshAllowed", text()));
    }

    /** The realm's PDP settings tab; a URL that is drawn valid points at a closed loopback port. */
    private Arbitrary<Request> policyTab() {
        return request("policy-tab",
                maybe("url", oneOf("http://127.0.0.1:9", "https://127.0.0.1:9/pdp")),
                maybe("timeout-ms", oneOf("10", "500", "10000")),
                maybe("user-attributes", text()),
                maybe("credential", oneOf("${vault.pdp-token}", "${vault.}")),
                maybe("cache-ttl-seconds", oneOf("0", "3600")));
    }

    /** One consent of the import, its names the realm's own or any text. */
    private Arbitrary<Request> consentImport() {
        return request("consent-import",
                maybe("username", oneOf(TestRealm.ALICE)),
                maybe("app", oneOf(APP)),
                maybe("agent", oneOf(PLANNER, BOOKING)),
                maybe("scopes", oneOf("openid", "openid email")),
                maybe("grantedAt", oneOf("1700000000", "-1")));
    }

    // ---- how parameters are drawn ----

    private record Parameter(String name, Arbitrary<Optional<String>> value) {
    }

    private static Parameter always(String name, Arbitrary<String> value) {
        return new Parameter(name, value.map(Optional::of));
    }

    /** Present two times in three. */
    private static Parameter maybe(String name, Arbitrary<String> value) {
        return new Parameter(name, value.optional(2.0 / 3));
    }

    private static Arbitrary<Request> request(String target, Parameter... parameters) {
        List<Arbitrary<Optional<String>>> values = Arrays.stream(parameters).map(Parameter::value).toList();
        return Combinators.combine(values).as(drawn -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (int i = 0; i < parameters.length; i++) {
                String name = parameters[i].name();
                drawn.get(i).ifPresent(value -> form.put(name, value));
            }
            return new Request(target, form);
        });
    }

    /** One of the named values, or any text. */
    private static Arbitrary<String> oneOf(String... values) {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(values)), Tuple.of(1, text()));
    }

    /**
     * Short ASCII (controls included), any UTF-16 (NUL, unpaired surrogates), huge values, JWT-shaped text, and a table
     * of tricky values.
     */
    private static Arbitrary<String> text() {
        Arbitrary<String> jwtShaped = Arbitraries.strings().withChars(BASE64URL).ofMinLength(1).ofMaxLength(120)
                .list().ofMinSize(1).ofMaxSize(6).map(parts -> "eyJ" + String.join(".", parts));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().ascii().ofMaxLength(64)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(32)),
                Tuple.of(1, Arbitraries.strings().withChars("aZ9-_.~").ofMinLength(4_000).ofMaxLength(25_000)),
                Tuple.of(2, jwtShaped),
                Tuple.of(3, Arbitraries.of(TRICKY)));
    }

    /**
     * A token made unusable: one character changed, cut short, grown, its signature swapped, its header set to
     * {@code alg=none}, or random text. With {@code intactAllowed}, the token itself one time in four.
     */
    private static Arbitrary<String> token(String real, boolean intactAllowed) {
        String unsignedHeader = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        Arbitrary<String> mutated = Arbitraries.oneOf(
                Arbitraries.integers().between(0, real.length() - 1).map(i -> flip(real, i)),
                Arbitraries.integers().between(0, real.length() - 1).map(i -> real.substring(0, i)),
                text().map(tail -> real + "x" + tail),
                text().map(signature -> real.substring(0, real.lastIndexOf('.') + 1) + Base64.getUrlEncoder()
                        .withoutPadding().encodeToString(signature.getBytes(StandardCharsets.UTF_8))),
                Arbitraries.just(unsignedHeader + real.substring(real.indexOf('.'), real.lastIndexOf('.') + 1)),
                text());
        return intactAllowed
                ? Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(real)), Tuple.of(3, mutated))
                : mutated;
    }

    /** A different character at {@code index}: never the same token again. */
    private static String flip(String token, int index) {
        char c = token.charAt(index);
        char replacement = c == 'A' ? 'B' : 'A';
        return token.substring(0, index) + replacement + token.substring(index + 1);
    }

    /** How a failure names an input: its length and start, never a whole token. */
    private static String describe(String value) {
        String start = value.length() > 12 ? value.substring(0, 12) + "…" : value;
        return "[" + value.length() + "] " + start.replaceAll("\\p{Cntrl}", "?");
    }

    // ---- sending and checking ----

    /** One generated request: which endpoint, and its parameters. Printed (by jqwik too) without token text. */
    record Request(String target, Map<String, String> parameters) {

        Sent send() {
            return switch (target) {
                case "authorize" -> send(HttpRequest.newBuilder(URI.create(
                        realm.oauth().endpoint(realm.name(), "auth") + "?" + OAuth.form(parameters))).GET());
                case "code", "refresh" -> send(post(realm.oauth().endpoint(realm.name(), "token"), parameters));
                case "exchange" -> send(post(realm.oauth().endpoint(realm.name(), "token"), parameters)
                        .header("Authorization", basic(BOOKING)));
                case "introspect" -> send(post(realm.oauth().endpoint(realm.name(), "token/introspect"), parameters)
                        .header("Authorization", basic(CALENDAR_API)));
                case "my-agents" -> myAgents();
                case "agents-page" -> created(realm.admin().createPageComponent(realm.name(), AgentsPage.PROVIDER_ID,
                        config()));
                case "policy-tab" -> created(realm.admin().post("/realms/" + realm.name() + "/components",
                        realm.admin().tabComponent(realm.name(), "actorbound-policy", config())));
                case "consent-import" -> admin(realm.admin().post(realm.consentsPath(), consents()));
                default -> throw new IllegalStateException(target);
            };
        }

        private Sent myAgents() {
            Map<String, String> form = new LinkedHashMap<>(parameters);
            boolean get = "GET".equals(form.remove("method"));
            String page = server.baseUrl() + "/realms/" + realm.name() + "/actorbound/my-agents";
            return send(get
                    ? HttpRequest.newBuilder(URI.create(page + (form.isEmpty() ? "" : "?" + OAuth.form(form)))).GET()
                    : post(page + "/revoke", form));
        }

        /** Each drawn field as a one-value field of a component configuration. */
        private Map<String, List<String>> config() {
            Map<String, List<String>> config = new LinkedHashMap<>();
            parameters.forEach((field, value) -> config.put(field, List.of(value)));
            return config;
        }

        private ArrayNode consents() {
            ObjectNode entry = Admin.JSON.createObjectNode();
            parameters.forEach((field, value) -> {
                switch (field) {
                    case "scopes" -> Arrays.stream(value.split(" ", -1)).forEach(entry.putArray("scopes")::add);
                    case "grantedAt" -> entry.put("grantedAt", value);
                    default -> entry.put(field, value);
                }
            });
            return Admin.JSON.createArrayNode().add(entry);
        }

        /**
         * A component the admin REST created is deleted again at once: a saved PDP tab would have every later delegation
         * fail closed (503), which this run counts as a finding, and each request is to meet the realm as set up.
         */
        private static Sent created(Admin.Response response) {
            if (response.status() == 201) {
                realm.admin().delete("/realms/" + realm.name() + "/components/" + response.createdId(), null)
                        .expectOk("delete the component the request created");
            }
            return admin(response);
        }

        private static Sent admin(Admin.Response response) {
            return new Sent(response.status(), String.valueOf(response.body()), null);
        }

        private static Sent send(HttpRequest.Builder request) {
            HttpResponse<String> response = realm.oauth().send(request);
            return new Sent(response.statusCode(), response.body(), response.headers().firstValue("Location").orElse(null));
        }

        @Override
        public String toString() {
            return target + " " + parameters.entrySet().stream()
                    .map(e -> e.getKey() + "=" + describe(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
    }

    private record Sent(int status, String body, String location) {
    }

    private static HttpRequest.Builder post(String url, Map<String, String> form) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OAuth.form(form)));
    }

    private static String basic(String clientId) {
        String credentials = clientId + ":" + TestClients.secretOf(clientId);
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** What is wrong with an answer, or null. */
    private static String check(String target, Sent sent) {
        if (sent.status() >= 500) {
            return "HTTP " + sent.status();
        }
        String body = sent.body() == null ? "" : sent.body();
        for (String field : TOKEN_FIELDS) {
            if (body.contains("\"" + field + "\"")) {
                return "a response carrying " + field;
            }
        }
        if (sent.location() != null && OAuth.queryParameters(sent.location()).containsKey("code")) {
            return "a redirect carrying a code";
        }
        if (target.equals("introspect") && !introspectionRefused(sent, body)) {
            return "introspection did not answer active=false";
        }
        if (TOKEN_ENDPOINT.contains(target) && (sent.status() != 400 && sent.status() != 401 || !body.contains("\"error\""))) {
            return "the token endpoint did not answer with an OAuth error";
        }
        for (String leak : LEAKS) {
            if (body.contains(leak) && !target.equals("authorize") && !target.equals("my-agents")) {
                return "a response naming " + leak.strip();
            }
        }
        if (body.contains("\tat ") || body.contains("Exception:")) {
            return "a stack trace in the response";
        }
        if (sentTokens.stream().anyMatch(token -> body.contains(token.substring(token.length() - 40)))) {
            return "a response echoing a token";
        }
        return null;
    }

    /**
     * A mutated token is never active. Keycloak's own answer is a 400 {@code invalid_request} where it cannot read the
     * token at all (a header without {@code alg}) or does not know the {@code token_type_hint}; never one about the token.
     */
    private static boolean introspectionRefused(Sent sent, String body) {
        return sent.status() == 200 && body.contains("\"active\":false")
                || sent.status() == 400 && body.contains("\"error\":\"invalid_request\"");
    }

    private static List<String> logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(server.logFile());
            String appended = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
            return appended.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the whole run must show once every request is answered: read by {@link SeedAndServerLog}. */
    private static void checkRun() {
        System.out.println("FuzzIT: answers " + new TreeMap<>(answers));
        assertThat(answers).as("the authorization endpoint showed its login page at least once: the requests reach it")
                .containsKey("authorize 200");
        assertThat(logSince(logStart)).as("server log during the run")
                .noneMatch(line -> line.contains("Uncaught server error")
                        || line.contains(" ERROR ") && line.contains("dev.actorbound"))
                .noneMatch(line -> sentTokens.stream().anyMatch(token -> line.contains(token.substring(token.length() - 40))));
    }

    /**
     * Gives the property its tries and seed ({@code -Dit.fuzz.requests}, {@code -Dit.fuzz.seed}, else a new seed,
     * printed first so that any run can be replayed), and fails it if, after all requests passed, the server log or
     * the tally of answers shows what a single answer cannot.
     */
    static final class SeedAndServerLog implements AroundPropertyHook {

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String seed = Optional.ofNullable(System.getProperty("it.fuzz.seed"))
                    .orElseGet(() -> Long.toString(new SecureRandom().nextLong()));
            context.attributes().setSeed(seed);
            context.attributes().setTries(REQUESTS);
            System.out.printf("FuzzIT: seed %s, %d requests (replay with -Dit.fuzz.seed=%s)%n", seed, REQUESTS, seed);
            PropertyExecutionResult result = property.execute();
            if (result.status() != PropertyExecutionResult.Status.SUCCESSFUL) {
                return result;
            }
            try {
                checkRun();
                return result;
            } catch (AssertionError e) {
                return result.mapToFailed(e);
            }
        }
    }
}
