package dev.actorbound.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One Keycloak process: the shared server, or a test's own server from a private copy of the distribution, which the
 * test closes. The shared server is {@code bin/kc.sh start-dev} on free ports (H2 in memory), or on PostgreSQL
 * {@code bin/kc.sh start} in production mode with the options {@code docker-compose.yml} uses
 * ({@link ProductionOptions}); its output goes to {@code keycloak-it.log} beside the distribution, and JUnit closes it at
 * the end of the run (it sits in the root store). A shutdown hook stops whatever is left if the JVM exits first.
 */
final class KeycloakProcess implements AutoCloseable {

    // Generous: a first start on a loaded 2-core machine (augmentation + schema creation) has taken over 3 minutes.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(420);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessBuilder builder;
    private Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path logFile;
    private final Admin admin;
    private final Thread shutdownHook;

    private KeycloakProcess(ProcessBuilder builder, Process process, int httpPort, int managementPort, Path logFile) {
        this.builder = builder;
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.logFile = logFile;
        this.admin = new Admin(baseUrl(), "admin", "admin");
        this.shutdownHook = new Thread(this::stop, "keycloak-it-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static KeycloakProcess shared;

    /**
     * The one shared server of this test JVM, started on first use by either test engine (Jupiter's ITs, jqwik's
     * properties) and closed when the launcher session ends ({@link SharedKeycloak}), or at the latest by the JVM's
     * shutdown hook.
     */
    static synchronized KeycloakProcess shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    static synchronized void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /** The shared server, from the unpacked distribution, on the database the run was given. */
    private static KeycloakProcess start() {
        Path home = distribution();
        int http = freePort();
        int management = freePort();
        Path vault = vaultDirectory();
        try {
            Files.createDirectories(vault);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + vault, e);
        }
        List<String> arguments = new ArrayList<>(persistentDatabase()
                ? List.of("start", "--db-url=" + requiredProperty("it.db.url"),
                        "--db-username=" + requiredProperty("it.db.username"),
                        "--db-password=" + requiredProperty("it.db.password"))
                : List.of("start-dev", "--db=" + property("it.db", "dev-mem"), "--health-enabled=true",
                        "--features=declarative-ui"));
        arguments.addAll(List.of("--http-port=" + http, "--http-management-port=" + management,
                "--vault=file", "--vault-dir=" + vault, cibaChannelOption()));
        return start(home, arguments, persistentDatabase() ? ProductionOptions.read() : Map.of(), http, management,
                home.getParent().resolve("keycloak-it.log"));
    }

    /**
     * A server of a test's own: {@code arguments} are what follows {@code kc.sh}, the ports must be the ones they name.
     * Its home must not be the shared server's (see {@link #privateCopy}): a build there would change that server too.
     */
    static KeycloakProcess start(Path home, List<String> arguments, int httpPort, int managementPort, Path log) {
        return start(home, arguments, Map.of(), httpPort, managementPort, log);
    }

    private static KeycloakProcess start(Path home, List<String> arguments, Map<String, String> environment,
            int httpPort, int managementPort, Path log) {
        Path kcSh = home.resolve("bin/kc.sh");
        if (!Files.isExecutable(kcSh)) {
            throw new IllegalStateException(kcSh + " is missing: run `./mvnw verify` (its package phase unpacks Keycloak)");
        }
        List<String> command = new ArrayList<>(List.of(kcSh.toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        KeycloakProcess server;
        try {
            server = new KeycloakProcess(builder, builder.start(), httpPort, managementPort, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + kcSh, e);
        }
        server.awaitReady();
        return server;
    }

    /** The server's file vault: a secret {@code ${vault.<key>}} of realm {@code r} is the file {@code r_<key>}. */
    static Path vaultDirectory() {
        return Path.of(requiredProperty("keycloak.home")).toAbsolutePath().getParent().resolve("it-vault");
    }

    /**
     * {@code kc.sh build} with {@code options} in {@code home}, so that servers can then {@code start --optimized} from
     * it side by side: two servers building the same distribution at once would overwrite each other's build.
     */
    static void build(Path home, List<String> options, Path log) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(options);
        try {
            Process build = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!build.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                build.destroyForcibly();
                throw new IllegalStateException("kc.sh build did not finish within " + START_TIMEOUT.toSeconds() + " s; see " + log);
            }
            if (build.exitValue() != 0) {
                throw new IllegalStateException("kc.sh build failed with status " + build.exitValue() + "; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kc.sh build in " + home, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + home, e);
        }
    }

    /** The unpacked distribution the shared server runs from. */
    static Path distribution() {
        return Path.of(requiredProperty("keycloak.home")).toAbsolutePath();
    }

    /**
     * A fresh copy of the distribution (providers included, data left out) beside it, named {@code name}, for servers
     * started with other build options than the shared one: each build rewrites the distribution it runs in.
     */
    static Path privateCopy(String name) {
        Path source = distribution();
        Path target = source.resolveSibling(name);
        try {
            deleteTree(target);
            try (Stream<Path> tree = Files.walk(source)) {
                for (Path path : (Iterable<Path>) tree::iterator) {
                    Path relative = source.relativize(path);
                    if (!relative.startsWith("data")) {
                        Files.copy(path, target.resolve(relative.toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
        return target;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    /** Whether the data outlives the process (a real database), so that a restart test means something. */
    static boolean persistentDatabase() {
        return property("it.db", "dev-mem").equals("postgres");
    }

    /** Stops Keycloak and starts it again on the same ports and database; the log is appended to. */
    synchronized void restart() {
        restart(builder.command().subList(1, builder.command().size()));
    }

    /** Stops Keycloak and starts it again with other {@code kc.sh} arguments (the same ports); the log is appended to. */
    synchronized void restart(List<String> arguments) {
        stop();
        List<String> command = new ArrayList<>(List.of(builder.command().get(0)));
        command.addAll(arguments);
        builder.command(command);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart Keycloak", e);
        }
        awaitReady();
        admin.forgetToken();
    }

    String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    Path logFile() {
        return logFile;
    }

    /** CPU time the server has used so far: kc.sh and every process under it (the JVM), user plus system. */
    Duration cpuTime() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .map(handle -> handle.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * The server JVM's heap in use right after a full collection, in bytes, read with the JDK's {@code jcmd}
     * ({@code GC.run}, then {@code GC.heap_info}); empty where jcmd is missing or says nothing readable.
     */
    OptionalLong heapAfterGc() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        ProcessHandle jvm = process.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst().orElse(process.toHandle());
        if (!Files.isExecutable(jcmd)) {
            return OptionalLong.empty();
        }
        try {
            run(jcmd, jvm.pid(), "GC.run");
            // G1, Keycloak's default collector: " garbage-first heap   total 174080K, used 87109K [...]"
            Matcher used = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K")
                    .matcher(run(jcmd, jvm.pid(), "GC.heap_info"));
            return used.find() ? OptionalLong.of(Long.parseLong(used.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private static String run(Path jcmd, long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    Admin admin() {
        return admin;
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private String logErrors(int max) {
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(" ERROR ")).limit(max).collect(Collectors.joining("\n"));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting and runs the hook itself
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw failure("Keycloak exited with status " + process.exitValue() + " before it was ready");
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
                Thread.sleep(500);
            } catch (IOException notListeningYet) {
                sleepQuietly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for Keycloak");
            }
        }
        throw failure("Keycloak was not ready within " + START_TIMEOUT.toSeconds() + " s");
    }

    private IllegalStateException failure(String message) {
        stop();
        return new IllegalStateException(message + "; errors in " + logFile + ":\n" + logErrors(10)
                + "\nlast lines:\n" + logTail(40));
    }

    /** kc.sh forwards TERM to the JVM, which shuts down cleanly; whatever is left after the timeout is killed. */
    private synchronized void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Where every server of the run sends CIBA authentication requests; a test listens there with {@link CibaChannel}. */
    static final int CIBA_CHANNEL_PORT = freePort();

    /** Keycloak's option for {@link #CIBA_CHANNEL_PORT}: without a channel, a CIBA request fails with a server error. */
    static String cibaChannelOption() {
        return "--spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri=http://127.0.0.1:"
                + CIBA_CHANNEL_PORT + CibaChannel.PATH;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static String requiredProperty(String name) {
        String value = property(name, null);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (the dist POM passes it to the tests)");
        }
        return value;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
