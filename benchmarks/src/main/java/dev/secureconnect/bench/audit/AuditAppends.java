package dev.secureconnect.bench.audit;

import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.FigureGroup;
import dev.secureconnect.bench.Installation;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.AuditKey;
import dev.secureconnect.server.audit.Checkpoints;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure group {@code audit}: durable audit appends per second into a fresh server database made by
 * {@code sc-server init} (SQLite, WAL, {@code synchronous=FULL}), through the server's own {@link ServerAuditLog} in this
 * JVM, from 32 concurrent appenders and from one, while checkpoints are signed as the daemon signs them (every
 * second when due). Each log is then checked by {@code sc-server audit verify} in its own process, so a fast but
 * broken log fails the run.
 */
public final class AuditAppends implements FigureGroup {

    static final int APPENDERS = 32;
    private static final int EVENTS = 50_000;
    private static final int QUICK_EVENTS = 2_000;
    private static final int EVENTS_ONE_THREAD = 5_000;
    private static final int QUICK_EVENTS_ONE_THREAD = 500;
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(2);
    private static final String PASSPHRASE = "sc-bench audit CA passphrase";

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public void measure(BenchRun run) throws Exception {
        createCa(run);
        int oneThread = run.quick() ? QUICK_EVENTS_ONE_THREAD : EVENTS_ONE_THREAD;
        int concurrent = run.quick() ? QUICK_EVENTS : EVENTS;
        double single = appendsPerSecond(run, "srv-1-thread", 1, oneThread);
        run.figures()
                .add(
                        "audit_appends_per_s_1_thread",
                        single,
                        "events/s",
                        oneThread
                                + " events from 1 appender, each waiting for its commit; SQLite WAL synchronous=FULL");
        double many = appendsPerSecond(run, "srv-" + APPENDERS + "-threads", APPENDERS, concurrent);
        run.figures()
                .add(
                        "audit_appends_per_s",
                        many,
                        "events/s",
                        concurrent + " events from " + APPENDERS + " concurrent appenders, each waiting for its commit;"
                                + " SQLite WAL synchronous=FULL; target >= 5000");
    }

    private static void createCa(BenchRun run) {
        Map<String, String> env = Map.of("SC_PKI_PASSPHRASE", PASSPHRASE);
        run.processes()
                .run(
                        "sc-pki-init",
                        run.launcher("sc-pki", "init", "--dir", "ca", "--name", "sc-bench audit"),
                        run.work(),
                        env,
                        COMMAND_LIMIT);
        run.processes()
                .run(
                        "sc-pki-issue-server",
                        run.launcher(
                                "sc-pki", "issue", "server", "--dir", "ca", "--dns", "localhost", "--out", "server"),
                        run.work(),
                        env,
                        COMMAND_LIMIT);
    }

    /** Appends {@code events} from {@code appenders} threads into a new server's log, verifies it, returns the rate. */
    private static double appendsPerSecond(BenchRun run, String server, int appenders, int events) throws Exception {
        Path dir = run.work().resolve(server);
        run.processes()
                .run(
                        "sc-server-init",
                        run.launcher("sc-server", Installation.serverInit(server)),
                        run.work(),
                        Map.of(),
                        COMMAND_LIMIT);
        ServerConfig config = ConfigFile.read(dir);
        double perSecond;
        try (Database database = Database.open(ServerDaemon.databaseSettings(dir, config.database()))) {
            ServerAuditLog audit = new ServerAuditLog(database, Clock.systemUTC());
            Checkpoints checkpoints =
                    new Checkpoints(database, audit, AuditKey.load(dir), config.node(), Clock.systemUTC());
            ScheduledExecutorService signer = Executors.newSingleThreadScheduledExecutor();
            try {
                ServerConfig.Audit settings = config.audit();
                ScheduledFuture<?> signing = signer.scheduleWithFixedDelay(
                        () -> checkpoints.signIfDue(settings.checkpointEvery(), settings.checkpointInterval()),
                        1,
                        1,
                        TimeUnit.SECONDS);
                perSecond = timedAppends(audit, appenders, events);
                if (signing.isDone()) {
                    try {
                        signing.get();
                    } catch (ExecutionException e) {
                        throw new BenchException("audit: signing a checkpoint failed: " + e.getCause(), e.getCause());
                    }
                }
            } finally {
                signer.shutdown();
                if (!signer.awaitTermination(1, TimeUnit.MINUTES)) {
                    throw new BenchException("the checkpoint signer did not stop within a minute");
                }
            }
            checkpoints.signIfDue(1, Duration.ZERO); // as the daemon does when it stops
        }
        String verified = run.processes()
                .run(
                        "sc-server-audit-verify",
                        run.launcher("sc-server", "audit", "verify", "--dir", server),
                        run.work(),
                        Map.of(),
                        COMMAND_LIMIT);
        System.err.println("sc-bench: audit " + server + ": " + verified.strip());
        return perSecond;
    }

    /**
     * Starts {@code appenders} threads at once that append {@code events} between them, each append returning once
     * committed, and returns events per second from the start to the last commit. Every sequence number handed out
     * must be distinct.
     */
    private static double timedAppends(ServerAuditLog audit, int appenders, int events) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(appenders);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger claimed = new AtomicInteger();
        List<Future<long[]>> results = new ArrayList<>();
        try {
            for (int t = 0; t < appenders; t++) {
                String actor = "bench-" + t;
                results.add(pool.submit(() -> {
                    long[] seqs = new long[events];
                    int n = 0;
                    start.await();
                    for (int i = claimed.getAndIncrement(); i < events; i = claimed.getAndIncrement()) {
                        seqs[n++] = audit.append(event(actor, i)).seq();
                    }
                    return Arrays.copyOf(seqs, n);
                }));
            }
            long began = System.nanoTime();
            start.countDown();
            BitSet seen = new BitSet();
            int count = 0;
            long deadline = began + LIMIT.toNanos();
            for (Future<long[]> result : results) {
                for (long seq : result.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    if (seen.get((int) seq)) {
                        throw new BenchException("audit: sequence number " + seq + " was handed out twice");
                    }
                    seen.set((int) seq);
                    count++;
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            if (count != events) {
                throw new BenchException("audit: " + count + " events appended, expected " + events);
            }
            return events / seconds;
        } catch (ExecutionException e) {
            throw new BenchException("audit: an append failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new BenchException(
                    "audit: " + events + " appends did not finish within " + LIMIT.toMinutes() + " minutes", e);
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new BenchException("audit: the appenders did not stop within a minute");
            }
        }
    }

    /** A typical record: a stream opened by an engineer on an appliance, with a session, a source and details. */
    private static ServerAuditEvent event(String actor, int i) {
        return ServerAuditEvent.builder(EventType.STREAM_OPENED)
                .actor(actor)
                .appliance("SN-" + (i % 1000))
                .ticket(Integer.toString(10_000_000 + i % 5_000))
                .session("s-" + i)
                .source("198.51.100." + (i % 250) + ":" + (40_000 + i % 20_000))
                .detail("target", "127.0.0.1:22")
                .detail("stream", i)
                .build();
    }
}
