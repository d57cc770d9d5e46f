package dev.actorbound.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny HTTP server on loopback that stands where a PDP would: it forwards to a real PDP (optionally after a delay,
 * which no policy can produce), answers every request with a fixed status and body (garbage), or answers evaluation
 * requests through a function (a PDP that gives reasons). It records every request, so tests can check what Keycloak
 * sent and that it sent nothing at all.
 */
final class LoopbackPdp implements AutoCloseable {

    static {
        // The JDK's HTTP server leaves Nagle's algorithm on unless told otherwise: with the client's delayed ACK, every
        // answer written in two parts (headers, body) then waits ~40 ms, which no real PDP does. Read once per JVM,
        // before the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the PDP saw it; {@code clientPort} tells connections apart. */
    record Received(String method, String path, Map<String, List<String>> headers, String body, int clientPort) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange, String body) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private LoopbackPdp(Handler handler) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body, exchange.getRemoteAddress().getPort()));
                handler.handle(exchange, body);
            } catch (IOException clientGone) {
                // Keycloak gave up waiting (the timeout under test): nobody reads the answer any more.
            }
        });
        server.start();
    }

    /**
     * Forwards every request to {@code target} after {@code delay}. The target's own URL in an answer (its AuthZEN
     * metadata names its endpoints) is replaced by this server's, as a reverse proxy would.
     */
    static LoopbackPdp proxy(String target, Duration delay) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return new LoopbackPdp((exchange, body) -> {
            sleep(delay);
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().getPath()))
                    .timeout(Duration.ofSeconds(10))
                    .method(exchange.getRequestMethod(), body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                forward.header("Content-Type", contentType);
            }
            try {
                HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                String answer = new String(response.body(), StandardCharsets.UTF_8).replace(target, url(exchange));
                respond(exchange, response.statusCode(), answer.getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 502, new byte[0]);
            }
        });
    }

    /** Answers every request, metadata included, with {@code status} and {@code body}. */
    static LoopbackPdp answering(int status, String body) {
        return new LoopbackPdp((exchange, request) -> respond(exchange, status, body.getBytes(StandardCharsets.UTF_8)));
    }

    /** Has no metadata (404) and answers each evaluations request with {@code answer} applied to its body. */
    static LoopbackPdp evaluating(UnaryOperator<String> answer) {
        return new LoopbackPdp((exchange, request) -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 404, new byte[0]);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            respond(exchange, 200, answer.apply(request).getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String url(HttpExchange exchange) {
        return "http://127.0.0.1:" + exchange.getLocalAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request so far, oldest first. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The evaluation requests so far (the metadata requests left out). */
    List<Received> evaluations() {
        return received.stream().filter(r -> "POST".equals(r.method())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
