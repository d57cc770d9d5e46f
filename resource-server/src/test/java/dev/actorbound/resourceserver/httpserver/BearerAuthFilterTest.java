package dev.actorbound.resourceserver.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;
import dev.actorbound.resourceserver.ResourceServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real JDK HttpServer on loopback with the filter on one context, a stricter route, and the metadata document:
 * what a client sees over HTTP.
 */
class BearerAuthFilterTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final ExecutorService executor = Executors.newFixedThreadPool(4);

    private static RSAKey key;
    private static HttpServer server;
    private static String base;
    private static String metadataUrl;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k").generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/realms/demo/protocol/openid-connect/certs",
                exchange -> respond(exchange, 200, new JWKSet(key).toPublicJWKSet().toString()));

        ResourceServer api = ResourceServer.builder().issuer(base + "/realms/demo").audience("travel-api")
                .resource(base + "/trips").scopesSupported("trips.read").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        metadataUrl = api.metadata().wellKnownUrl();
        server.createContext(api.metadataPath(), new MetadataHandler(api));
        HttpContext trips = server.createContext("/trips", exchange -> {
            DelegatedPrincipal who = BearerAuthFilter.principal(exchange);
            respond(exchange, 200, who.subject() + " " + who.chainDescription());
        });
        trips.getFilters().add(new BearerAuthFilter(api));
        HttpContext bookings = server.createContext("/bookings", exchange -> respond(exchange, 200, "booked"));
        bookings.getFilters().add(new BearerAuthFilter(api, DelegationRules.builder().allowAgents("booking-agent").build()));
        // the keys come from this same server: a handler must not wait on the only dispatcher thread
        server.setExecutor(executor);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String token() throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(),
                new JWTClaimsSet.Builder().issuer(base + "/realms/demo").audience("travel-api").subject("alice-id")
                        .claim("typ", "Bearer").claim("scope", "trips.read")
                        .claim("act", Map.of("sub", "sa-planner", "client_id", "planner-agent"))
                        .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAcceptedTokenReachesTheHandlerWithItsPrincipal() throws Exception {
        HttpResponse<String> response = get("/trips", "Authorization", "Bearer " + token());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("alice-id planner-agent");
    }

    @Test
    void noTokenIsA401ChallengeNamingTheMetadata() throws Exception {
        HttpResponse<String> response = get("/trips");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer resource_metadata=\"" + metadataUrl + "\"");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void aBadTokenIsA401InvalidToken() throws Exception {
        HttpResponse<String> response = get("/trips", "Authorization", "Bearer " + token().replace('.', 'x') + ".a.b");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\", "
                + "error_description=\"the token is malformed\", resource_metadata=\"" + metadataUrl + "\"");
        assertThat(JSONObjectUtils.parse(response.body())).containsEntry("error", "invalid_token");
    }

    @Test
    void aRouteWithStricterRulesAnswers403() throws Exception {
        HttpResponse<String> response = get("/bookings", "Authorization", "Bearer " + token());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"insufficient_scope\", "
                + "error_description=\"the acting agent is not allowed for this resource\", resource_metadata=\"" + metadataUrl + "\"");
    }

    @Test
    void aTokenInTheQueryOrTwiceIsAnInvalidRequest() throws Exception {
        assertThat(get("/trips?access_token=" + token(), "Authorization", "Bearer " + token()).statusCode()).isEqualTo(400);
        assertThat(get("/trips?access_token=" + token()).statusCode()).isEqualTo(400);
        HttpResponse<String> twice = get("/trips", "Authorization", "Bearer " + token(), "Authorization", "Bearer " + token());
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_request\"");
    }

    @Test
    void theMetadataDocumentIsServedWithoutAToken() throws Exception {
        HttpResponse<String> response = get("/.well-known/oauth-protected-resource/trips");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        Map<String, Object> document = JSONObjectUtils.parse(response.body());
        assertThat(document).containsEntry("resource", base + "/trips")
                .containsEntry("authorization_servers", List.of(base + "/realms/demo"))
                .containsEntry("scopes_supported", List.of("trips.read"))
                .containsEntry("bearer_methods_supported", List.of("header"));
        assertThat(get("/.well-known/oauth-protected-resource/trips/more").statusCode()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(metadataUrl)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }
}
