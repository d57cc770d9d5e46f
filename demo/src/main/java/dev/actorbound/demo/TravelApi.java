package dev.actorbound.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.actorbound.resourceserver.Actor;
import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;
import dev.actorbound.resourceserver.ResourceServer;
import dev.actorbound.resourceserver.httpserver.BearerAuthFilter;
import dev.actorbound.resourceserver.httpserver.MetadataHandler;

/**
 * The demo realm's Travel API, an MCP-style protected resource on loopback: it serves its RFC 9728 metadata,
 * answers a request without an acceptable token with an RFC 6750 challenge that points there, accepts only tokens
 * whose audience names it, and says in every answer who acts for whom. It introspects every token (no cache), so a
 * revoked delegation fails on the very next call.
 *
 * <ul>
 *   <li>{@code GET <resource>/trips}: needs the role {@code reader};</li>
 *   <li>{@code POST <resource>/bookings}: needs the role {@code writer} and a delegated token.</li>
 * </ul>
 */
public final class TravelApi implements AutoCloseable {

    public static final String CLIENT_ID = "travel-api";
    public static final String CLIENT_SECRET = "travel-api-secret";

    private final HttpServer server;
    private final ResourceServer api;

    private TravelApi(HttpServer server, ResourceServer api) {
        this.server = server;
        this.api = api;
    }

    /**
     * Starts the API on loopback at {@code resource}'s port; its path is the API's base path.
     *
     * @param issuer the realm's issuer, e.g. {@code http://localhost:8080/realms/demo}
     */
    public static TravelApi start(String issuer, String resource) throws IOException {
        URI base = URI.create(resource);
        ResourceServer api = ResourceServer.builder()
                .issuer(issuer)
                .audience(CLIENT_ID)
                .resource(resource)
                .resourceName("Travel API (Actorbound demo)")
                .scopesSupported("openid")
                .introspection(CLIENT_ID, CLIENT_SECRET)
                .introspectionCacheTtl(Duration.ZERO)
                .build();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), base.getPort()), 0);
        server.createContext(api.metadataPath(), new MetadataHandler(api));
        String path = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        protect(server.createContext(path + "trips", exchange -> answer(exchange, "GET", "reads the trips of")), api,
                DelegationRules.builder().requireRealmRoles("reader").build());
        protect(server.createContext(path + "bookings", exchange -> answer(exchange, "POST", "books a trip for")), api,
                DelegationRules.builder().requireRealmRoles("writer").requireDelegation().build());
        server.start();
        return new TravelApi(server, api);
    }

    private static void protect(HttpContext context, ResourceServer api, DelegationRules rules) {
        context.getFilters().add(new BearerAuthFilter(api, rules));
    }

    /** The URL of the RFC 9728 metadata document. */
    public String metadataUrl() {
        return api.metadata().wellKnownUrl();
    }

    private static void answer(HttpExchange exchange, String method, String action) throws IOException {
        if (!method.equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", method);
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        DelegatedPrincipal who = BearerAuthFilter.principal(exchange);
        send(exchange, 200, JSONObjectUtils.toJSONString(describe(who, action)));
    }

    /** What the API saw, for the demo to print: never a token, only who the token speaks for. */
    static Map<String, Object> describe(DelegatedPrincipal who, String action) {
        String user = who.username().orElse(who.subject());
        String agent = who.agent().map(Actor::name).orElse(user);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", agent + " " + action + " " + user
                + (who.depth() > 1 ? " (handed over by " + who.chain().get(1).name() + ")" : ""));
        body.put("user", user);
        body.put("agent", who.agent().map(Actor::name).orElse(null));
        body.put("chain", who.chain().stream().map(Actor::name).toList());
        body.put("app", who.app().orElse(null));
        body.put("roles", List.copyOf(who.realmRoles()));
        body.put("audience", who.audience());
        return body;
    }

    static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
