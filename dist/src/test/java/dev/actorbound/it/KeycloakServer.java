package dev.actorbound.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real Keycloak (the unpacked distribution with our jar in {@code providers/}) per test JVM, shared by every IT
 * class annotated {@code @ExtendWith(KeycloakServer.class)} and by jqwik properties ({@link #shared()}); it is closed
 * when the whole run ends ({@link SharedKeycloak}). {@code @BeforeAll} and test methods may take a {@code KeycloakServer} parameter.
 */
public final class KeycloakServer implements BeforeAllCallback, ParameterResolver {

    private KeycloakProcess process;

    /** A server of a test's own (see {@link KeycloakProcess#start(java.nio.file.Path, java.util.List, int, int, Path)}). */
    static KeycloakServer of(KeycloakProcess process) {
        KeycloakServer server = new KeycloakServer();
        server.process = process;
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        process = KeycloakProcess.shared();
    }

    /** The shared server, for a test outside Jupiter (a jqwik property). */
    static KeycloakServer shared() {
        return of(KeycloakProcess.shared());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (process == null) {
            beforeAll(context);
        }
        return this;
    }

    /** {@code http://localhost:<port>}, without a trailing slash. */
    public String baseUrl() {
        return process().baseUrl();
    }

    /** The server's combined stdout and stderr: {@code dist/target/keycloak-it.log}. */
    public Path logFile() {
        return process().logFile();
    }

    /** The last {@code lines} lines of the server log, for failure messages. */
    public String logTail(int lines) {
        return process().logTail(lines);
    }

    /** An admin REST client logged in as the bootstrap admin of the master realm. */
    public Admin admin() {
        return process().admin();
    }

    /** Stops and starts the server (same URL, same database). Only meaningful on a persistent database. */
    public void restart() {
        process().restart();
    }

    /** Writes a secret into the server's file vault, where {@code ${vault.<key>}} of {@code realm} finds it. */
    public void putVaultSecret(String realm, String key, String secret) {
        Path file = KeycloakProcess.vaultDirectory().resolve(realm.replace("_", "__") + "_" + key.replace("_", "__"));
        try {
            Files.writeString(file, secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and starts it with other {@code kc.sh} arguments; only for a server of a test's own. */
    void restart(java.util.List<String> arguments) {
        process().restart(arguments);
    }

    /** CPU time the server process has used so far (user + system), for cost per request in the benchmark. */
    public java.time.Duration cpuTime() {
        return process().cpuTime();
    }

    /** The server's heap in use right after a full collection (bytes), when the JDK's jcmd can tell. */
    public java.util.OptionalLong heapAfterGc() {
        return process().heapAfterGc();
    }

    public boolean persistentDatabase() {
        return KeycloakProcess.persistentDatabase();
    }

    public OAuth oauth() {
        return new OAuth(baseUrl());
    }

    private KeycloakProcess process() {
        if (process == null) {
            throw new IllegalStateException("Keycloak is not started: use @ExtendWith(KeycloakServer.class) and take it as a parameter");
        }
        return process;
    }
}
