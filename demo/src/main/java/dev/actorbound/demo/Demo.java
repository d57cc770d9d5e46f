package dev.actorbound.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole story against the demo realm, step by step, as the app (travel-planner), the planner agent and the
 * booking agent would play it, calling the Travel API at each step and printing what each token says.
 */
public final class Demo {

    static final String APP = "travel-planner";
    static final String PLANNER = "planner-agent";
    static final String PLANNER_SECRET = "planner-secret";
    static final String BOOKING = "booking-agent";
    static final String BOOKING_SECRET = "booking-secret";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final Duration CONSENT_TIMEOUT = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What happened, for a caller that checks the run: the API's status at each call. */
    public record Result(int withoutToken, int plannerReadsTrips, int bookingBooks, int afterRevocation,
                  TokenSummary planner, TokenSummary booking) {
    }

    private final DemoSettings settings;
    private final Interaction person;
    private final PrintStream out;
    private final Http http = new Http();

    public Demo(DemoSettings settings, Interaction person, PrintStream out) {
        this.settings = settings;
        this.person = person;
        this.out = out;
    }

    public Result run() throws IOException {
        try (TravelApi api = TravelApi.start(settings.issuer(), settings.apiResource());
             Callback callback = new Callback(settings.callbackPort())) {
            step("0. The Travel API runs at " + settings.apiResource() + "; a call without a token is refused");
            Http.Answer refused = callApi("GET", "/trips", null);
            discover(api);

            step("1. The app sends the user to Keycloak, asking for the planner agent and for the Travel API only");
            String verifier = random();
            String state = random();
            person.consent(authorizationUrl(verifier, state));
            String code = code(callback.await(CONSENT_TIMEOUT), state);

            step("2. The app redeems the code together with the planner agent's own token (its actor token)");
            String planner = token(redeem(code, verifier, actorToken(PLANNER, PLANNER_SECRET)), "code redemption");
            TokenSummary plannerSummary = show(planner);
            step("3. The planner agent calls the Travel API with that token");
            Http.Answer trips = callApi("GET", "/trips", planner);

            step("4. The planner agent hands the booking to the booking agent (delegation token exchange)");
            String booking = token(exchange(planner, actorToken(BOOKING, BOOKING_SECRET)), "token exchange");
            TokenSummary bookingSummary = show(booking);
            step("5. The booking agent calls the Travel API with its token");
            Http.Answer booked = callApi("POST", "/bookings", booking);

            step("6. The user revokes the planner agent");
            person.revoke(settings.myAgentsUrl(), settings.accountConsoleUrl());
            step("7. The booking agent calls the Travel API again: the delegation it rests on is gone");
            Http.Answer after = callApi("POST", "/bookings", booking);
            return new Result(refused.status(), trips.status(), booked.status(), after.status(), plannerSummary,
                    bookingSummary);
        }
    }

    /** RFC 9728: what a client (an MCP client, say) learns from the challenge before it has any token. */
    private void discover(TravelApi api) {
        Http.Answer metadata = http.call("GET", api.metadataUrl(), null);
        out.println("   metadata " + api.metadataUrl());
        out.println("     resource               " + metadata.text("resource"));
        out.println("     authorization_servers  " + metadata.json().get("authorization_servers"));
    }

    private String authorizationUrl(String verifier, String state) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", APP);
        query.put("response_type", "code");
        query.put("redirect_uri", settings.redirectUri());
        query.put("scope", "openid");
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        query.put("requested_actor", PLANNER);
        query.put("resource", settings.apiResource());
        return settings.endpoint("auth") + "?" + query.entrySet().stream()
                .map(e -> Http.encode(e.getKey()) + "=" + Http.encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private String code(Map<String, String> response, String state) {
        if (response.get("error") != null) {
            throw new IllegalStateException("Keycloak refused: " + response.get("error") + " "
                    + response.getOrDefault("error_description", ""));
        }
        if (!state.equals(response.get("state")) || response.get("code") == null) {
            throw new IllegalStateException("the redirect carried no code for this request (state mismatch)");
        }
        out.println("   the loopback redirect received the code");
        return response.get("code");
    }

    private String actorToken(String agent, String secret) {
        Http.Answer answer = http.postForm(settings.endpoint("token"),
                Map.of("grant_type", "client_credentials", "scope", "actorbound-actor"), agent, secret);
        return token(answer, agent + "'s actor token");
    }

    private Http.Answer redeem(String code, String verifier, String actorToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", APP);
        form.put("code", code);
        form.put("redirect_uri", settings.redirectUri());
        form.put("code_verifier", verifier);
        form.put("actor_token", actorToken);
        form.put("actor_token_type", ACCESS_TOKEN_TYPE);
        return http.postForm(settings.endpoint("token"), form, null, null);
    }

    private Http.Answer exchange(String subjectToken, String actorToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", ACCESS_TOKEN_TYPE);
        form.put("actor_token", actorToken);
        form.put("actor_token_type", ACCESS_TOKEN_TYPE);
        form.put("resource", settings.apiResource());
        return http.postForm(settings.endpoint("token"), form, BOOKING, BOOKING_SECRET);
    }

    private static String token(Http.Answer answer, String what) {
        if (answer.status() != 200 || answer.text("access_token") == null) {
            throw new IllegalStateException(what + " failed: HTTP " + answer.status() + " " + answer.text("error")
                    + " " + answer.text("error_description"));
        }
        return answer.text("access_token");
    }

    private TokenSummary show(String token) {
        TokenSummary summary = TokenSummary.of(token);
        summary.lines().forEach(line -> out.println("   " + line));
        return summary;
    }

    private Http.Answer callApi(String method, String path, String token) {
        String url = settings.apiResource() + path;
        Http.Answer answer = http.call(method, url, token);
        out.println("   " + method + " " + url + " -> HTTP " + answer.status());
        if (answer.text("message") != null) {
            out.println("   the API says: " + answer.text("message"));
        }
        if (answer.challenge() != null) {
            out.println("   WWW-Authenticate: " + answer.challenge());
        }
        return answer;
    }

    private void step(String title) {
        out.println();
        out.println(title);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
