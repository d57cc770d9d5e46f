package dev.actorbound.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpServer;

/** The app's loopback redirect (RFC 8252 §7.3): receives the authorization response once, then stops. */
final class Callback implements AutoCloseable {

    private static final byte[] PAGE = ("<!DOCTYPE html><html><head><title>Actorbound demo</title></head><body>"
            + "<h1>Done</h1><p>The demo received the authorization response. Go back to the terminal.</p></body></html>")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final CompletableFuture<Map<String, String>> response = new CompletableFuture<>();

    Callback(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/callback", exchange -> {
            try (exchange) {
                response.complete(query(exchange.getRequestURI().getRawQuery()));
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, PAGE.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(PAGE);
                }
            }
        });
        server.start();
    }

    /** The query parameters of the redirect ({@code code}, {@code state}, or {@code error}...). */
    Map<String, String> await(Duration timeout) {
        try {
            return response.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no authorization response within " + timeout.toMinutes() + " minutes");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the authorization response");
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
