package dev.actorbound.resourceserver.httpserver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

import dev.actorbound.resourceserver.DelegatedPrincipal;
import dev.actorbound.resourceserver.DelegationRules;
import dev.actorbound.resourceserver.Refusal;
import dev.actorbound.resourceserver.ResourceServer;

/**
 * Protects a context of the JDK's {@code com.sun.net.httpserver.HttpServer}: requests with an acceptable token go on,
 * with their principal at {@link #principal(HttpExchange)}; any other gets its refusal (status,
 * {@code WWW-Authenticate} with {@code resource_metadata}, {@code Cache-Control: no-store}, a JSON body) and never
 * reaches the handler.
 *
 * <pre>{@code
 * HttpContext trips = server.createContext("/trips", exchange -> {
 *     DelegatedPrincipal who = BearerAuthFilter.principal(exchange);
 *     ...
 * });
 * trips.getFilters().add(new BearerAuthFilter(api));
 * }</pre>
 */
public final class BearerAuthFilter extends Filter {

    /** The exchange attribute that holds the request's {@link DelegatedPrincipal}. */
    public static final String PRINCIPAL = DelegatedPrincipal.class.getName();

    private final ResourceServer api;
    private final DelegationRules rules;

    /** With the resource's own rules. */
    public BearerAuthFilter(ResourceServer api) {
        this(api, null);
    }

    /** With the rules of this context instead of the resource's. */
    public BearerAuthFilter(ResourceServer api, DelegationRules rules) {
        this.api = api;
        this.rules = rules;
    }

    /** The principal the filter accepted for this exchange. */
    public static DelegatedPrincipal principal(HttpExchange exchange) {
        Object principal = exchange.getAttribute(PRINCIPAL);
        if (!(principal instanceof DelegatedPrincipal p)) {
            throw new IllegalStateException("no BearerAuthFilter ran for this context");
        }
        return p;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        DelegatedPrincipal principal;
        try {
            principal = authenticate(exchange);
        } catch (Refusal refusal) {
            send(exchange, refusal);
            return;
        }
        exchange.setAttribute(PRINCIPAL, principal);
        chain.doFilter(exchange);
    }

    private DelegatedPrincipal authenticate(HttpExchange exchange) throws Refusal {
        List<String> headers = exchange.getRequestHeaders().get("Authorization");
        String query = exchange.getRequestURI().getRawQuery();
        if (headers != null && headers.size() > 1 || query != null && hasAccessTokenParameter(query)) {
            // RFC 6750 §3.1: one method per request; this resource takes the header only (RFC 9728 bearer_methods_supported)
            throw api.refuse(Refusal.invalidRequest("send exactly one bearer token, in the Authorization header"));
        }
        String header = headers == null ? null : headers.get(0);
        return rules == null ? api.authenticate(header) : api.authenticate(header, rules);
    }

    private static boolean hasAccessTokenParameter(String query) {
        for (String pair : query.split("&")) {
            if (pair.equals("access_token") || pair.startsWith("access_token=")) {
                return true;
            }
        }
        return false;
    }

    /** Writes a refusal the way RFC 6750 §3 wants it; also for handlers that refuse on their own rules. */
    public static void send(HttpExchange exchange, Refusal refusal) throws IOException {
        byte[] body = refusal.toJson().getBytes(StandardCharsets.UTF_8);
        String challenge = refusal.wwwAuthenticate();
        if (challenge != null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(refusal.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public String description() {
        return "Actorbound bearer token check";
    }
}
