package dev.actorbound.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real policy decision point: Cerbos, which serves OpenID AuthZEN 1.0, on loopback with the policies of
 * {@code src/test/resources/cerbos}. Its Linux binary is the npm package {@code @cerbos/cerbos-linux-x64}; the tarball is
 * fetched from the npm registry over plain HTTPS (no npm needed), checked against the registry's sha512 integrity, and
 * kept beside the Maven repository ({@code <local repo>/.cache/actorbound/cerbos/<version>}), so later runs are offline.
 * Other platforms have no binary here: tests that need Cerbos are skipped there.
 */
final class CerbosPdp implements AutoCloseable {

    static final String VERSION = "0.55.0";
    static final String TARBALL = "https://registry.npmjs.org/@cerbos/cerbos-linux-x64/-/cerbos-linux-x64-" + VERSION + ".tgz";
    /** {@code dist.integrity} of the package version in the npm registry. */
    static final String INTEGRITY = "sha512-eLZUycJfaQWK0XTRgH/Oz2E3XiNCUavDd1LhzFxhUpZ3s5CuQqmqG327ta0On8YOTxuZO/19cG4kvfC22r03/Q==";
    private static final String ENTRY = "package/cerbos-linux-x64";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final Path log;
    private final int httpPort;
    private final int grpcPort;
    private Process process;

    private CerbosPdp(Path binary, Path log, int httpPort, int grpcPort) {
        this.binary = binary;
        this.log = log;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
    }

    /** Starts Cerbos on free loopback ports; skips the calling test where there is no Linux x64 binary. */
    static CerbosPdp start() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        Assumptions.assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "Cerbos " + VERSION + " is only installed for Linux x64 here, not for " + os + " " + arch);
        Path log = Path.of("target", "cerbos-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log");
        CerbosPdp pdp = new CerbosPdp(install(), log, freePort(), freePort());
        pdp.restart();
        return pdp;
    }

    /** {@code http://127.0.0.1:<port>}: the realm's {@code actorbound.pdp.url}. */
    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Stops the process; its URL then refuses connections, like a PDP that is down. */
    synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it (again) on the same ports and waits until it serves its AuthZEN metadata. */
    synchronized void restart() {
        stop();
        List<String> command = List.of(binary.toString(), "server", "--log-level=warn",
                "--set=storage.driver=disk", "--set=storage.disk.directory=" + policies(),
                "--set=server.httpListenAddr=127.0.0.1:" + httpPort, "--set=server.grpcListenAddr=127.0.0.1:" + grpcPort);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary, e);
        }
        awaitReady();
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest metadata = HttpRequest.newBuilder(URI.create(url() + "/.well-known/authzen-configuration"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Cerbos exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
            }
            try {
                if (http.send(metadata, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Cerbos", e);
            }
            pause();
        }
        stop();
        throw new IllegalStateException("Cerbos was not ready within " + START_TIMEOUT.toSeconds() + " s; see " + log.toAbsolutePath());
    }

    private static Path policies() {
        try {
            return Path.of(CerbosPdp.class.getResource("/cerbos").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("the Cerbos policies are missing from the test class path (src/test/resources/cerbos)", e);
        }
    }

    // ---- installation ----

    /** The verified binary, from the cache or freshly fetched. */
    private static synchronized Path install() {
        Path dir = cacheDirectory();
        Path binary = dir.resolve("cerbos-linux-x64");
        Path tarball = dir.resolve("cerbos-linux-x64-" + VERSION + ".tgz");
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(tarball) || !INTEGRITY.equals(integrity(tarball))) {
                download(tarball);
            }
            if (!Files.isExecutable(binary)) {
                extract(tarball, binary);
            }
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot install Cerbos " + VERSION + " into " + dir, e);
        }
    }

    /** Beside the Maven repository (outside target/, so {@code mvn clean} keeps it and later runs need no network). */
    private static Path cacheDirectory() {
        String repository = System.getProperty("maven.repo.local");
        Path base = repository == null || repository.isBlank()
                ? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(repository);
        return base.resolve(".cache").resolve("actorbound").resolve("cerbos").resolve(VERSION);
    }

    private static void download(Path tarball) throws IOException {
        Path partial = tarball.resolveSibling(tarball.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        try {
            HttpResponse<Path> response = http.send(HttpRequest.newBuilder(URI.create(TARBALL))
                    .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new IOException("GET " + TARBALL + " answered HTTP " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + TARBALL, e);
        }
        String actual = integrity(partial);
        if (!INTEGRITY.equals(actual)) {
            Files.deleteIfExists(partial);
            throw new IOException(TARBALL + " does not match the registry's integrity " + INTEGRITY + " (got " + actual + ")");
        }
        Files.move(partial, tarball, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** npm's Subresource Integrity form: {@code sha512-<base64 of the digest>}. */
    static String integrity(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-512"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return "sha512-" + Base64.getEncoder().encodeToString(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by the Java platform", e);
        }
    }

    /** Copies one regular file out of a gzipped ustar archive (what {@code npm pack} writes), executable. */
    private static void extract(Path tarball, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                long padded = (size + 511) / 512 * 512;
                if (path.equals(ENTRY)) {
                    try (OutputStream out = Files.newOutputStream(partial)) {
                        copy(in, out, size);
                    }
                    in.skipNBytes(padded - size);
                    if (!partial.toFile().setExecutable(true)) {
                        throw new IOException("cannot make " + partial + " executable");
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return;
                }
                in.skipNBytes(padded);
            }
        }
        throw new IOException(tarball + " holds no " + ENTRY);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("the archive ends inside " + ENTRY);
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
