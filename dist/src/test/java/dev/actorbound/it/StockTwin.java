package dev.actorbound.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two real Keycloak 26.7.3 servers for a differential test: a <em>stock</em> one, a private copy of the distribution
 * with {@code providers/actorbound.jar} removed, and one <em>with the jar</em>. On the H2 pass the one with the jar is
 * the shared server, and the stock one runs {@code start-dev} on H2 in memory with the shared server's options. On the
 * PostgreSQL pass (where the shared server runs in production mode) the one with the jar is a second private copy, and
 * both run {@code start-dev} on the run's PostgreSQL, each in a fresh schema of its own (dropped afterwards): both
 * sides always run the same way, and the jar's own tables and Liquibase changes meet a real database there too. The
 * servers start side by side; both are stopped when the test class is done.
 */
final class StockTwin implements BeforeAllCallback, ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final List<KeycloakProcess> own = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();
    private final boolean bothPrivate;
    private Side stock;
    private Side withJar;

    /** The shared server as the one with the jar on the H2 pass (a differential test compares answers, not speed). */
    StockTwin() {
        this(false);
    }

    private StockTwin(boolean bothPrivate) {
        this.bothPrivate = bothPrivate;
    }

    /**
     * Both servers private copies, started now, together, for one comparison of speed (close them after it): the
     * shared server, warmed up by every test before, would not be the stock server's equal, and servers idle beside
     * other measurements would disturb them.
     */
    static StockTwin startBothPrivate() {
        StockTwin twin = new StockTwin(true);
        try {
            twin.start(null);
        } catch (RuntimeException e) {
            twin.close();
            throw e;
        }
        return twin;
    }

    /** One of the two servers, seen through a plain HTTP client: redirects not followed, no cookies. */
    record Side(String label, KeycloakServer server) {

        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        String baseUrl() {
            return server.baseUrl();
        }

        Admin admin() {
            return server.admin();
        }

        OAuth oauth() {
            return server.oauth();
        }

        String issuer(String realm) {
            return baseUrl() + "/realms/" + realm;
        }

        String endpoint(String realm, String path) {
            return oauth().endpoint(realm, path);
        }

        /** Any request, answered as a {@link OAuth.TokenResponse} (status, JSON body or text, headers). */
        OAuth.TokenResponse send(HttpRequest.Builder request) {
            try {
                HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return new OAuth.TokenResponse(response.statusCode(), Admin.read(response.body()), response.headers());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** A form POST to {@code url} with the given headers (client authentication, DPoP proofs). */
        OAuth.TokenResponse post(String url, Map<String, String> form, Map<String, String> headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(OAuth.form(form)));
            headers.forEach(request::header);
            return send(request);
        }

        OAuth.TokenResponse get(String url, Map<String, String> headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
            headers.forEach(request::header);
            return send(request);
        }
    }

    Side stock() {
        return stock;
    }

    Side withJar() {
        return withJar;
    }

    List<Side> sides() {
        return List.of(stock, withJar);
    }

    /**
     * Runs {@code scenario} on both servers, stock first, and fails on any difference not intended. What each side saw
     * (normalized) is written to {@code target/differential/<scenario>.<side>.json}, for review and for diffing by hand.
     */
    void compare(String name, Function<Side, Differential.Observation> scenario) {
        Differential.Observation left = scenario.apply(stock);
        Differential.Observation right = scenario.apply(withJar);
        write(name + ".stock.json", left);
        write(name + ".with-jar.json", right);
        Differential.assertSame(name, left, right);
    }

    private static void write(String file, Differential.Observation observation) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "differential"));
            Files.writeString(directory.resolve(file), Admin.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(observation.normalized()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(ExtensionContext.Namespace.create(StockTwin.class)).put(StockTwin.class, this);
        start(context);
    }

    private void start(ExtensionContext context) {
        CompletableFuture<KeycloakServer> stockStart = CompletableFuture.supplyAsync(() -> startPrivate("keycloak-stock", false));
        KeycloakServer jar;
        try {
            if (bothPrivate || KeycloakProcess.persistentDatabase()) {
                jar = startPrivate("keycloak-with-jar", true);
            } else {
                jar = new KeycloakServer();
                jar.beforeAll(context);
            }
            withJar = new Side("with jar", jar);
            stock = new Side("stock", stockStart.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private KeycloakServer startPrivate(String name, boolean keepJar) {
        Path home = KeycloakProcess.privateCopy(name);
        try {
            if (!keepJar) {
                Files.delete(home.resolve("providers/actorbound.jar"));
            }
            Files.createDirectories(home.resolve("vault"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int http = KeycloakProcess.freePort();
        int management = KeycloakProcess.freePort();
        // the shared server's H2 options (KeycloakProcess.start()), on the run's PostgreSQL where there is one
        List<String> arguments = new ArrayList<>(List.of("start-dev", "--health-enabled=true",
                "--features=declarative-ui", "--http-port=" + http, "--http-management-port=" + management,
                "--vault=file", "--vault-dir=" + home.resolve("vault"), KeycloakProcess.cibaChannelOption()));
        if (PostgresDatabase.available()) {
            String schema = PostgresDatabase.createSchema(name.replace('-', '_'));
            synchronized (own) {
                schemas.add(schema);
            }
            arguments.addAll(PostgresDatabase.keycloakOptions(schema));
        } else {
            arguments.add("--db=dev-mem");
        }
        KeycloakProcess process = KeycloakProcess.start(home, arguments, http, management, home.resolveSibling(name + ".log"));
        synchronized (own) {
            own.add(process);
        }
        return KeycloakServer.of(process);
    }

    @Override
    public void close() {
        synchronized (own) {
            own.forEach(KeycloakProcess::close);
            schemas.forEach(PostgresDatabase::dropSchema);
        }
    }
}
