package dev.actorbound.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * The authentication device of CIBA, played by a test: Keycloak's {@code ciba-http-auth-channel} posts each
 * backchannel authentication request to {@link KeycloakProcess#cibaChannelOption()}; this answers {@code 201} and hands
 * the request to the test, whose bearer token is what the device presents at Keycloak's callback endpoint.
 */
final class CibaChannel implements AutoCloseable {

    static final String PATH = "/ciba";

    /** What Keycloak asked the device: the JSON body and the bearer token naming the authentication request. */
    record Request(String bearer, JsonNode body) {
    }

    private final HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

    private CibaChannel(HttpServer server) {
        this.server = server;
    }

    static CibaChannel start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", KeycloakProcess.CIBA_CHANNEL_PORT), 0);
            CibaChannel channel = new CibaChannel(server);
            server.createContext(PATH, exchange -> {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                try (InputStream body = exchange.getRequestBody()) {
                    channel.requests.add(new Request(authorization == null ? null : authorization.replaceFirst("^Bearer ", ""),
                            Admin.read(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))));
                }
                exchange.sendResponseHeaders(201, -1);
                exchange.close();
            });
            server.start();
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on the CIBA channel port " + KeycloakProcess.CIBA_CHANNEL_PORT, e);
        }
    }

    /** The next request Keycloak sent, waiting a few seconds for it. */
    Request next() {
        try {
            Request request = requests.poll(10, TimeUnit.SECONDS);
            if (request == null) {
                throw new AssertionError("Keycloak sent no CIBA authentication request to " + PATH);
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
