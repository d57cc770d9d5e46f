package dev.actorbound.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Measures a request and its twin (Keycloak's own request that does the same without delegation) side by side: the
 * same server, realm, number of client threads and request count, after a warm-up, in alternating rounds so that
 * whatever else loads the machine meets both alike. Each side prepares its requests before a round starts (a code
 * needs a login), so only the requests themselves are timed. Per side it keeps every latency, the wall time of the
 * rounds, and the CPU time the server spent meanwhile.
 */
final class Load {

    /** One side of a comparison: {@code prepare(n)} returns n requests ready to send, each telling whether it succeeded. */
    interface Side {
        List<Callable<Boolean>> prepare(int n);
    }

    /** What one side measured: latencies (ns), total wall time of its rounds (ns), server CPU over them, failures. */
    record Measured(long[] latencies, long wallNanos, Duration serverCpu, int failures) {

        double p50() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        /** Nearest-rank percentile in milliseconds. */
        double percentile(int percent) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
            return sorted[Math.max(rank, 1) - 1] / 1_000_000.0;
        }

        /** Requests per second over the rounds' wall time. */
        double throughput() {
            return latencies.length / (wallNanos / 1e9);
        }

        /** Server CPU milliseconds per request. */
        double cpuPerRequest() {
            return serverCpu.toNanos() / 1e6 / latencies.length;
        }
    }

    /** A request measured beside its twin at one concurrency. */
    record Comparison(String scenario, String twinName, String oursName, int concurrency, Measured twin, Measured ours) {

        double p50Ratio() {
            return ours.p50() / twin.p50();
        }

        double p99Ratio() {
            return ours.p99() / twin.p99();
        }

        double throughputRatio() {
            return ours.throughput() / twin.throughput();
        }

        double cpuRatio() {
            return ours.cpuPerRequest() / twin.cpuPerRequest();
        }
    }

    private static final long FRESH_FOR_MS = 60_000;

    private final KeycloakServer server;
    private final int warmUp;
    private final int requests;
    private final int rounds;

    /** {@code requests} per side and concurrency, split into {@code rounds} alternating rounds, after {@code warmUp} per side. */
    Load(KeycloakServer server, int warmUp, int requests, int rounds) {
        this.server = server;
        this.warmUp = warmUp;
        this.requests = requests;
        this.rounds = Math.max(1, Math.min(rounds, requests));
    }

    Comparison compare(String scenario, String twinName, Side twin, String oursName, Side ours, int concurrency) {
        return compare(scenario, twinName, server, twin, oursName, server, ours, concurrency);
    }

    /** The same, each side on a server of its own (a stock Keycloak beside one with the jar); CPU is each server's. */
    Comparison compare(String scenario, String twinName, KeycloakServer twinServer, Side twin, String oursName,
                       KeycloakServer ourServer, Side ours, int concurrency) {
        run(twin.prepare(warmUp), concurrency, twinServer);
        run(ours.prepare(warmUp), concurrency, ourServer);
        List<Measured> twinRounds = new ArrayList<>();
        List<Measured> ourRounds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int n = requests / rounds + (round < requests % rounds ? 1 : 0);
            // Which side goes first alternates too: a round right after a warm-up or a GC pause hits each side alike.
            if (round % 2 == 0) {
                twinRounds.add(run(twin.prepare(n), concurrency, twinServer));
                ourRounds.add(run(ours.prepare(n), concurrency, ourServer));
            } else {
                ourRounds.add(run(ours.prepare(n), concurrency, ourServer));
                twinRounds.add(run(twin.prepare(n), concurrency, twinServer));
            }
        }
        return new Comparison(scenario, twinName, oursName, concurrency, merge(twinRounds), merge(ourRounds));
    }

    /** Sends {@code batch} from {@code concurrency} threads, each taking the next request until none is left. */
    private static Measured run(List<Callable<Boolean>> batch, int concurrency, KeycloakServer server) {
        long[] latencies = new long[batch.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(clients.submit(() -> {
                    start.await();
                    for (int i = next.getAndIncrement(); i < batch.size(); i = next.getAndIncrement()) {
                        long began = System.nanoTime();
                        boolean ok;
                        try {
                            ok = batch.get(i).call();
                        } catch (Exception e) {
                            ok = false;
                        }
                        latencies[i] = System.nanoTime() - began;
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Duration cpuBefore = server.cpuTime();
            long began = System.nanoTime();
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get();
            }
            long wall = System.nanoTime() - began;
            return new Measured(latencies, wall, server.cpuTime().minus(cpuBefore), failures.get());
        } catch (Exception e) {
            throw new IllegalStateException("a load round failed", e);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * A token for measured requests, fetched again once it is older than a minute (realm tokens live five), so that a
     * long run never sends an expired one; thread-safe.
     */
    static <T> Supplier<T> fresh(Supplier<T> source) {
        return new Supplier<>() {
            private T value;
            private long fetchedAt;

            @Override
            public synchronized T get() {
                long now = System.currentTimeMillis();
                if (value == null || now - fetchedAt > FRESH_FOR_MS) {
                    value = source.get();
                    fetchedAt = now;
                }
                return value;
            }
        };
    }

    private static Measured merge(List<Measured> parts) {
        long[] all = parts.stream().flatMapToLong(m -> Arrays.stream(m.latencies())).toArray();
        long wall = parts.stream().mapToLong(Measured::wallNanos).sum();
        Duration cpu = parts.stream().map(Measured::serverCpu).reduce(Duration.ZERO, Duration::plus);
        int failures = parts.stream().mapToInt(Measured::failures).sum();
        return new Measured(all, wall, cpu, failures);
    }
}
