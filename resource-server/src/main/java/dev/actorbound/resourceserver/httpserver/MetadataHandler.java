package dev.actorbound.resourceserver.httpserver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.actorbound.resourceserver.ResourceServer;

/**
 * Serves the RFC 9728 metadata document: {@code server.createContext(api.metadataPath(), new MetadataHandler(api))}.
 * It is public by nature (clients read it before they have a token), so it needs no filter.
 */
public final class MetadataHandler implements HttpHandler {

    private final byte[] document;
    private final String path;

    public MetadataHandler(ResourceServer api) {
        this.document = api.metadata().toJson().getBytes(StandardCharsets.UTF_8);
        this.path = api.metadataPath();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // a context matches by prefix: only the document's own path is the document
            if (!path.equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, document.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(document);
            }
        }
    }
}
