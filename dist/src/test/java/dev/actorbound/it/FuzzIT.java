package dev.actorbound.it;

import static dev.actorbound.it.TestClients.APP;
import static dev.actorbound.it.TestClients.BOOKING;
import static dev.actorbound.it.TestClients.CALENDAR_API;
import static dev.actorbound.it.TestClients.PLANNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actorbound.keycloak.core.AgentAttributes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and malformed values (seeded, reproducible) for every parameter the extension reads, at the authorization
 * endpoint, the token endpoint (code, refresh, exchange), introspection, the my-agents page and the admin Agents page.
 * Whatever arrives: never a 5xx, never a token or a code, never a stack trace or token text in a response, and no
 * server error or sent token in the server log.
 *
 * <p>{@code -Dit.fuzz.requests=<n>} (default 10,000); every run prints its seed, and {@code -Dit.fuzz.seed=<n>} replays
 * it request for request. Real tokens are among the inputs only in mutated form, or beside another input that is
 * certainly wrong, so that no request of the run is a valid one: any token in a response is a finding.
 */
@WithRealms
class FuzzIT {

    private static final int REQUESTS = Integer.getInteger("it.fuzz.requests", 10_000);
    private static final long SEED = Long.getLong("it.fuzz.seed", System.currentTimeMillis());
    private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final List<String> TOKEN_FIELDS = List.of("access_token", "refresh_token", "id_token", "issued_token_type");
    private static final List<String> KNOWN_HINTS = List.of("access_token", "refresh_token", "requesting_party_token");
    private static final List<String> TOKEN_ENDPOINT = List.of("code", "refresh", "exchange");
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "java.lang.", "dev.actorbound.", "org.keycloak.");

    private static TestRealm realm;
    private static KeycloakServer server;
    private static String actorToken;
    private static String delegatedToken;
    private static String refreshToken;
    private static final List<String> sentTokens = new ArrayList<>();

    @BeforeAll
    static void setUp(KeycloakServer keycloak, TestRealm fresh) {
        server = keycloak;
        realm = fresh;
        Exchanges ex = Exchanges.setUp(realm);
        realm.admin().updateClient(realm.name(), PLANNER,
                c -> c.with("attributes").put(AgentAttributes.REFRESH_ALLOWED, "true"));
        actorToken = ex.ownToken(PLANNER);
        OAuth.TokenResponse delegated = ex.flow().redeem(ex.flow().delegatedCode(PLANNER), actorToken);
        delegatedToken = delegated.accessToken();
        refreshToken = delegated.refreshToken();
        sentTokens.addAll(List.of(actorToken, delegatedToken, refreshToken));
    }

    @Test
    void noInputGetsAServerErrorATokenOrALeak() throws IOException {
        System.out.printf("FuzzIT: seed %d, %d requests (replay with -Dit.fuzz.seed=%d)%n", SEED, REQUESTS, SEED);
        Random random = new Random(SEED);
        long logStart = Files.size(server.logFile());
        List<Target> targets = List.of(this::authorize, this::redeemCode, this::refresh, this::exchange, this::introspect,
                this::myAgents, this::agentsPage);
        List<String> findings = new ArrayList<>();
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < REQUESTS && findings.size() < 20; i++) {
            Sent sent = targets.get(random.nextInt(targets.size())).send(new Inputs(random));
            answers.merge(sent.name() + " " + sent.status(), 1, Integer::sum);
            String finding = check(sent);
            if (finding != null) {
                findings.add("request " + i + " (" + sent.name() + ", parameters " + sent.parameters() + "): " + finding);
            }
        }
        System.out.println("FuzzIT: answers " + answers);
        assertThat(findings).as("seed %d", SEED).isEmpty();
        assertThat(answers).as("the authorization endpoint showed its login page at least once: the requests reach it")
                .containsKey("authorize 200");
        assertThat(logSince(logStart)).as("server log during the run")
                .noneMatch(line -> line.contains("Uncaught server error")
                        || line.contains(" ERROR ") && line.contains("dev.actorbound"))
                .noneMatch(line -> sentTokens.stream().anyMatch(token -> line.contains(token.substring(token.length() - 40))));
    }

    // ---- targets: each builds one request from random inputs and sends it ----

    @FunctionalInterface
    private interface Target {
        Sent send(Inputs inputs);
    }

    private record Sent(String name, int status, String body, String location, Map<String, String> parameters,
                        String rawHint) {
    }

    private Sent authorize(Inputs in) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", in.pick(APP, APP, in.text()));
        query.put("redirect_uri", in.pick(TestRealm.REDIRECT_URI, TestRealm.REDIRECT_URI, in.text()));
        query.put("response_type", in.pick("code", "code", "token", in.text()));
        query.put("state", "s");
        in.maybe(query, "scope", () -> in.pick("openid", "openid phone", in.text()));
        in.maybe(query, "requested_actor", () -> in.pick(PLANNER, BOOKING, "https://example.com/agent", in.text()));
        in.maybe(query, "code_challenge", () -> in.pick(OAuth.Pkce.s256().challenge(), in.text()));
        in.maybe(query, "code_challenge_method", () -> in.pick("S256", "plain", in.text()));
        in.maybe(query, "prompt", () -> in.pick("none", "consent", "login", in.text()));
        String url = realm.oauth().endpoint(realm.name(), "auth") + "?" + OAuth.form(query);
        return send("authorize", HttpRequest.newBuilder(URI.create(url)).GET(), query);
    }

    private Sent redeemCode(Inputs in) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", APP);
        form.put("code", in.text());
        form.put("redirect_uri", TestRealm.REDIRECT_URI);
        in.maybe(form, "code_verifier", in::text);
        in.maybe(form, "actor_token", () -> in.token(actorToken, true));
        in.maybe(form, "actor_token_type", () -> in.pick(OAuth.ACCESS_TOKEN_TYPE, "urn:ietf:params:oauth:token-type:jwt", in.text()));
        return token("code", form, null);
    }

    private Sent refresh(Inputs in) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", APP);
        form.put("refresh_token", in.token(refreshToken, false));
        in.maybe(form, "actor_token", () -> in.token(actorToken, true));
        in.maybe(form, "actor_token_type", () -> in.pick(OAuth.ACCESS_TOKEN_TYPE, in.text()));
        in.maybe(form, "scope", in::text);
        return token("refresh", form, null);
    }

    /** Booking authenticates for real; the subject token is mutated, or the request carries one certain error. */
    private Sent exchange(Inputs in) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", EXCHANGE);
        String subject = in.token(delegatedToken, true);
        form.put("subject_token", subject);
        form.put("subject_token_type", in.pick(OAuth.ACCESS_TOKEN_TYPE, OAuth.ACCESS_TOKEN_TYPE, in.text()));
        in.maybe(form, "actor_token", () -> in.token(actorToken, true));
        in.maybe(form, "actor_token_type", () -> in.pick(OAuth.ACCESS_TOKEN_TYPE, in.text()));
        in.maybe(form, "scope", in::text);
        in.maybe(form, "resource", in::text);
        in.maybe(form, "requested_token_type", () -> in.pick(OAuth.ACCESS_TOKEN_TYPE, in.text()));
        if (subject.equals(delegatedToken)) {
            // planner's own token is never booking's actor token: certainly refused, whatever else was drawn
            form.put("actor_token", actorToken);
            form.put("audience", "no-such-client-" + in.text());
        } else {
            in.maybe(form, "audience", () -> in.pick(CALENDAR_API, in.text()));
        }
        return token("exchange", form, BOOKING);
    }

    private Sent introspect(Inputs in) {
        Map<String, String> form = new LinkedHashMap<>();
        String token = in.token(in.pick(delegatedToken, refreshToken, actorToken), false);
        form.put("token", token);
        in.maybe(form, "token_type_hint", () -> in.pick("access_token", "refresh_token", "requesting_party_token", in.text()));
        HttpRequest.Builder request = post(realm.oauth().endpoint(realm.name(), "token/introspect"),
                form).header("Authorization", basic(CALENDAR_API));
        return send("introspect", request, form);
    }

    private Sent myAgents(Inputs in) {
        Map<String, String> form = new LinkedHashMap<>();
        in.maybe(form, "csrf_token", in::text);
        in.maybe(form, "app", in::text);
        in.maybe(form, "agent", in::text);
        String page = server.baseUrl() + "/realms/" + realm.name() + "/actorbound/my-agents";
        HttpRequest.Builder request = in.random.nextBoolean()
                ? HttpRequest.newBuilder(URI.create(page + (form.isEmpty() ? "" : "?" + OAuth.form(form)))).GET()
                : post(page + "/revoke", form);
        return send("my-agents", request, form);
    }

    private Sent agentsPage(Inputs in) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        config.put("agent", List.of(in.pick(PLANNER, BOOKING, in.text())));
        for (String field : List.of("allowedClients", "delegates", "maxChainDepth", "tokenLifespan", "refreshAllowed")) {
            if (in.random.nextBoolean()) {
                config.put(field, List.of(in.text()));
            }
        }
        Admin.Response response = realm.admin().createPageComponent(realm.name(), AgentsPage.PROVIDER_ID, config);
        Map<String, String> shown = config.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> Inputs.describe(String.join("|", e.getValue())), (a, b) -> a, LinkedHashMap::new));
        return new Sent("agents-page", response.status(), String.valueOf(response.body()), null, shown, null);
    }

    // ---- sending and checking ----

    private Sent token(String name, Map<String, String> form, String basicAuthClient) {
        HttpRequest.Builder request = post(realm.oauth().endpoint(realm.name(), "token"), form);
        if (basicAuthClient != null) {
            request.header("Authorization", basic(basicAuthClient));
        }
        return send(name, request, form);
    }

    private static HttpRequest.Builder post(String url, Map<String, String> form) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OAuth.form(form)));
    }

    private static String basic(String clientId) {
        String credentials = clientId + ":" + TestClients.secretOf(clientId);
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static Sent send(String name, HttpRequest.Builder request, Map<String, String> parameters) {
        HttpResponse<String> response = realm.oauth().send(request);
        Map<String, String> shown = new LinkedHashMap<>();
        parameters.forEach((key, value) -> shown.put(key, Inputs.describe(value)));
        return new Sent(name, response.statusCode(), response.body(),
                response.headers().firstValue("Location").orElse(null), shown, parameters.get("token_type_hint"));
    }

    /** What is wrong with an answer, or null. */
    private static String check(Sent sent) {
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
        if (sent.name().equals("introspect") && !introspectionRefused(sent, body)) {
            return "introspection did not answer active=false";
        }
        if (TOKEN_ENDPOINT.contains(sent.name()) && (sent.status() != 400 && sent.status() != 401 || !body.contains("\"error\""))) {
            return "the token endpoint did not answer with an OAuth error";
        }
        for (String leak : LEAKS) {
            if (body.contains(leak) && !sent.name().equals("authorize") && !sent.name().equals("my-agents")) {
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
     * A mutated token is never active. With a {@code token_type_hint} Keycloak does not know, Keycloak's own answer is
     * a 400 {@code unsupported_token_type} (RFC 7662 allows either), never an answer about the token.
     */
    private static boolean introspectionRefused(Sent sent, String body) {
        String hint = sent.rawHint();
        if (hint == null || KNOWN_HINTS.contains(hint)) {
            return sent.status() == 200 && body.contains("\"active\":false");
        }
        return sent.status() == 200 && body.contains("\"active\":false") || sent.status() == 400 && body.contains("\"error\"");
    }

    private static List<String> logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(server.logFile());
        String appended = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
        return appended.lines().toList();
    }

    /**
     * The random inputs of one request, all drawn from the run's one seeded {@link Random}: short ASCII, any Unicode
     * (controls, unpaired surrogates, NUL), huge values, JWT-shaped text, and a table of tricky values.
     */
    private static final class Inputs {

        private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        private static final List<String> TRICKY = List.of("", " ", "null", "undefined", "{}", "[]", "\"", "'", "%00",
                "\u0000", "../../admin", "${jndi:ldap://x}", "<script>", "' OR 1=1 --", "openid openid", "S256 S256",
                "a\r\nb: c", "planner-agent ", " planner-agent", "PLANNER-AGENT", "planner-agent,booking-agent", "-1", "0",
                "2147483648", "9999999999999999999", "1e9", "true", "TRUE");

        private final Random random;

        Inputs(Random random) {
            this.random = random;
        }

        String text() {
            int kind = random.nextInt(12);
            if (kind < 4) {
                return chars(random.nextInt(65), () -> (char) (32 + random.nextInt(95)));
            } else if (kind < 6) {
                return chars(random.nextInt(33), () -> (char) random.nextInt(Character.MAX_VALUE + 1));
            } else if (kind < 7) {
                return chars(4_000 + random.nextInt(21_001), () -> "aZ9-_.~".charAt(random.nextInt(7)));
            } else if (kind < 9) {
                List<String> parts = new ArrayList<>();
                for (int i = random.nextInt(6); i >= 0; i--) {
                    parts.add(chars(1 + random.nextInt(120), () -> BASE64URL.charAt(random.nextInt(BASE64URL.length()))));
                }
                return "eyJ" + String.join(".", parts);
            }
            return TRICKY.get(random.nextInt(TRICKY.size()));
        }

        private static String chars(int length, Supplier<Character> next) {
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(next.get());
            }
            return text.toString();
        }

        @SafeVarargs
        final <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }

        void maybe(Map<String, String> form, String name, Supplier<String> value) {
            if (random.nextInt(3) > 0) {
                form.put(name, value.get());
            }
        }

        /**
         * A token made unusable: one character changed, cut short, grown, its signature swapped, its header set to
         * {@code alg=none}, or random text. With {@code intactAllowed}, the token itself now and then.
         */
        String token(String real, boolean intactAllowed) {
            List<Function<String, String>> mutations = List.of(
                    t -> flip(t, random.nextInt(t.length())),
                    t -> t.substring(0, random.nextInt(t.length())),
                    t -> t + "x" + text(),
                    t -> t.substring(0, t.lastIndexOf('.') + 1) + Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(text().getBytes(StandardCharsets.UTF_8)),
                    t -> Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                            + t.substring(t.indexOf('.'), t.lastIndexOf('.') + 1),
                    t -> text());
            if (intactAllowed && random.nextInt(4) == 0) {
                return real;
            }
            return mutations.get(random.nextInt(mutations.size())).apply(real);
        }

        /** A different character at {@code index}: never the same token again. */
        private static String flip(String token, int index) {
            char c = token.charAt(index);
            char replacement = c == 'A' ? 'B' : 'A';
            return token.substring(0, index) + replacement + token.substring(index + 1);
        }

        /** How a failure message names an input: its length and start, never a whole token. */
        static String describe(String value) {
            String start = value.length() > 12 ? value.substring(0, 12) + "…" : value;
            return "[" + value.length() + "] " + start.replaceAll("\\p{Cntrl}", "?");
        }
    }
}
