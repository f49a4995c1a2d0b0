package dev.secureconnect.appliance.callhome;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.CaseNotice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call Home in the daemon: one worker thread ({@code sc-appliance-callhome}) makes bundles on the schedule (when the
 * admin enabled it: every {@code callHome.interval} plus a random delay up to {@code jitter}) and on demand, spools
 * each one, and sends the spool in order; while the server is unreachable it tries the spool again every minute (or
 * every interval, when shorter). Every bundle that reaches the server is recorded in the appliance's audit log
 * ({@code callhome.sent}, with the SHA-256 of its JSON). Independent of the SecureConnect switch and the link.
 */
public final class CallHome implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallHome.class);

    private final ApplianceDirectory directory;
    private final Supplier<ApplianceConfig> config;
    private final BundleCollector collector;
    private final BundleSender sender;
    private final ApplianceAuditLog audit;
    private final Clock clock;
    private final Cases cases;
    private final ScheduledExecutorService worker;
    private @Nullable ScheduledFuture<?> next;
    private @Nullable Instant nextDueAt;

    public CallHome(
            ApplianceDirectory directory,
            Supplier<ApplianceConfig> config,
            BundleCollector collector,
            BundleSender sender,
            ApplianceAuditLog audit,
            Clock clock) {
        this(directory, config, collector, sender, audit, clock, Cases.NONE);
    }

    /**
     * What Call Home carries for the support cases when the link is down: the admin's decisions the server has not
     * confirmed go with every bundle, and the list of cases in the server's answer is kept.
     */
    public interface Cases {
        Cases NONE = new Cases() {
            @Override
            public List<CaseNotice.Decision> decisions() {
                return List.of();
            }

            @Override
            public void learned(CaseNotice.Cases cases) {}
        };

        List<CaseNotice.Decision> decisions();

        void learned(CaseNotice.Cases cases);
    }

    /** Call Home that carries the case decisions and learns of the cases ({@link Cases}). */
    public CallHome(
            ApplianceDirectory directory,
            Supplier<ApplianceConfig> config,
            BundleCollector collector,
            BundleSender sender,
            ApplianceAuditLog audit,
            Clock clock,
            Cases cases) {
        this.cases = requireNonNull(cases, "cases");
        this.directory = requireNonNull(directory, "directory");
        this.config = requireNonNull(config, "config");
        this.collector = requireNonNull(collector, "collector");
        this.sender = requireNonNull(sender, "sender");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sc-appliance-callhome");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the schedule if the admin enabled it, and the spool's retries. */
    public void start() {
        worker.execute(this::reschedule);
        Duration retry = retryEvery();
        worker.scheduleWithFixedDelay(
                () -> {
                    if (!spool().entries().isEmpty()) {
                        flush();
                    }
                },
                retry.toMillis(),
                retry.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private Duration retryEvery() {
        Duration interval = config.get().callHome().interval();
        return interval.compareTo(Duration.ofMinutes(1)) < 0 ? interval : Duration.ofMinutes(1);
    }

    /** The exact JSON the next bundle would hold (its id and time aside); nothing is sent or recorded. */
    public String preview() {
        return onWorker(() -> Json.PRETTY.writeValueAsString(collect("admin")));
    }

    /** Makes a bundle now and sends it with the spool; returns what happened, in one line. */
    public String sendNow(String actor) {
        return onWorker(() -> makeAndSend("admin"));
    }

    public String enable(String actor) {
        return onWorker(() -> {
            CallHomeState state = update(s -> s.withEnabled(true));
            audit.submit(
                    ApplianceAuditEvent.of(EventType.CALLHOME_ENABLED, actor).build());
            reschedule();
            return "Call Home enabled: a bundle every "
                    + Durations.format(config.get().callHome().interval())
                    + (state.lastSentAt() == null ? "" : " (last sent " + state.lastSentAt() + ")")
                    + "; next due " + nextDueAt;
        });
    }

    public String disable(String actor) {
        return onWorker(() -> {
            update(s -> s.withEnabled(false));
            audit.submit(
                    ApplianceAuditEvent.of(EventType.CALLHOME_DISABLED, actor).build());
            reschedule();
            return "Call Home disabled: bundles leave only with 'sc-appliance callhome send'";
        });
    }

    /** Whether it is on, the last sent, the next due, the spool and the last error, one item a line. */
    public String status() {
        return onWorker(() -> {
            CallHomeState state = state();
            List<Spool.Entry> spooled = spool().entries();
            return "enabled:    " + (state.enabled() ? "yes" : "no") + "\n"
                    + "last sent:  " + (state.lastSentAt() == null ? "never" : state.lastSentAt()) + "\n"
                    + "next due:   " + (nextDueAt == null ? "not scheduled" : nextDueAt.toString()) + "\n"
                    + "spool:      " + spooled.size() + " bundle(s), "
                    + spooled.stream().mapToLong(Spool.Entry::bytes).sum() + " bytes\n"
                    + "dropped:    " + state.dropped().size() + " since the last bundle sent\n"
                    + "last error: " + (state.lastError() == null ? "none" : state.lastError());
        });
    }

    /** The bundles made, oldest first, as JSON lines. */
    public String history() {
        return onWorker(() -> {
            StringBuilder lines = new StringBuilder();
            for (CallHomeState.Sent sent : state().history()) {
                lines.append(Json.line(sent)).append('\n');
            }
            return lines.toString().strip();
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
    }

    // ---- on the worker

    private void reschedule() {
        ScheduledFuture<?> scheduled = next;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        next = null;
        nextDueAt = null;
        if (!state().enabled()) {
            return;
        }
        Duration interval = config.get().callHome().interval();
        Duration jitter = config.get().callHome().jitter();
        long delay = interval.toMillis()
                + (jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1));
        nextDueAt = clock.instant().plusMillis(delay);
        next = worker.schedule(
                () -> {
                    try {
                        makeAndSend("schedule");
                    } catch (RuntimeException | InterruptedException | IOException e) {
                        log.warn("Call Home: the scheduled bundle failed: {}", OneLine.reason(e));
                    } finally {
                        reschedule();
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    private Bundle collect(String trigger) throws InterruptedException {
        ApplianceConfig current = config.get();
        CallHomeState state = state();
        return collector.collect(
                current.callHome(),
                current.services(),
                trigger,
                new Bundle.SpoolReport(state.dropped().size(), state.dropped()));
    }

    private String makeAndSend(String trigger) throws InterruptedException, IOException {
        Bundle bundle = collect(trigger);
        byte[] json = Json.COMPACT.writeValueAsBytes(bundle);
        String sha256 = HashChain.sha256Hex(json);
        byte[] compressed = gzip(json);
        long cap = config.get().callHome().maxBundleBytes();
        if (compressed.length > cap) {
            String reason = "the bundle is " + compressed.length + " bytes compressed, over callHome.maxBundleBytes "
                    + cap + ": fewer or shorter log tails";
            record(bundle, sha256, compressed.length, "dropped", reason);
            update(s -> s.droppedAlso(List.of(bundle.id())).failed(reason));
            audit.submit(ApplianceAuditEvent.of(EventType.CALLHOME_DROPPED, "appliance")
                    .detail("bundleId", bundle.id())
                    .reason(reason)
                    .build());
            throw new ApplianceException(reason);
        }
        List<Spool.Entry> dropped = spool().add(bundle.id(), sha256, compressed);
        record(bundle, sha256, compressed.length, "spooled", null);
        for (Spool.Entry entry : dropped) {
            String reason = "the spool was full (callHome.spoolMaxBundles/spoolMaxBytes): dropped the oldest";
            update(s -> s.droppedAlso(List.of(entry.id())));
            updateHistory(entry.id(), "dropped", reason);
            audit.submit(ApplianceAuditEvent.of(EventType.CALLHOME_DROPPED, "appliance")
                    .detail("bundleId", entry.id())
                    .reason(reason)
                    .build());
        }
        String problem = flush();
        if (problem == null) {
            return "bundle " + bundle.id() + " sent (" + compressed.length + " bytes, sha256 " + sha256 + ")";
        }
        audit.submit(ApplianceAuditEvent.of(EventType.CALLHOME_SPOOLED, "appliance")
                .detail("bundleId", bundle.id())
                .detail("trigger", trigger)
                .detail("sha256", sha256)
                .detail("error", problem)
                .build());
        throw new ApplianceException("bundle " + bundle.id() + " is spooled, not sent: " + problem);
    }

    /** Sends the spool, oldest first, until one fails; returns that failure, or null when the spool is empty. */
    private @Nullable String flush() {
        Spool spool = spool();
        for (Spool.Entry entry : spool.entries()) {
            BundleSender.Answer answer;
            try {
                answer = sender.send(entry.id(), spool.read(entry), cases.decisions());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "the appliance is stopping";
            }
            if (answer.delivered()) {
                spool.remove(entry);
                String at = clock.instant().toString();
                update(s -> s.sent(at));
                updateHistory(entry.id(), "sent", answer.message());
                audit.submit(ApplianceAuditEvent.of(EventType.CALLHOME_SENT, "appliance")
                        .detail("bundleId", entry.id())
                        .detail("sha256", entry.sha256())
                        .detail("size", entry.bytes())
                        .build());
                log.info("Call Home: bundle {} sent ({})", entry.id(), answer.message());
                CaseNotice.Cases known = answer.cases();
                if (known != null) {
                    try {
                        cases.learned(known);
                    } catch (RuntimeException e) {
                        log.warn("Call Home: the cases in the server's answer cannot be kept: {}", OneLine.reason(e));
                    }
                }
            } else if (answer.refused()) {
                spool.remove(entry);
                String reason = "refused by the server (" + answer.status() + "): " + answer.message();
                update(s -> s.droppedAlso(List.of(entry.id())).failed(reason));
                updateHistory(entry.id(), "refused", reason);
                audit.submit(ApplianceAuditEvent.of(EventType.CALLHOME_DROPPED, "appliance")
                        .detail("bundleId", entry.id())
                        .reason(reason)
                        .build());
                log.warn("Call Home: bundle {} {}", entry.id(), reason);
            } else {
                String problem = answer.status() == 0
                        ? answer.message()
                        : "the server answered " + answer.status() + ": " + answer.message();
                update(s -> s.failed(problem));
                log.warn(
                        "Call Home: {} bundle(s) wait in the spool: {}",
                        spool.entries().size(),
                        problem);
                return problem;
            }
        }
        return null;
    }

    private void record(Bundle bundle, String sha256, long bytes, String outcome, @Nullable String detail) {
        update(s -> s.with(new CallHomeState.Sent(
                bundle.id(),
                bundle.createdAt(),
                bundle.trigger(),
                sha256,
                bytes,
                outcome,
                clock.instant().toString(),
                detail)));
    }

    private void updateHistory(String id, String outcome, @Nullable String detail) {
        update(s -> s.history().stream()
                .filter(line -> line.id().equals(id))
                .findFirst()
                .map(line -> s.with(new CallHomeState.Sent(
                        line.id(),
                        line.createdAt(),
                        line.trigger(),
                        line.sha256(),
                        line.bytes(),
                        outcome,
                        clock.instant().toString(),
                        detail == null ? null : OneLine.of(detail))))
                .orElse(s));
    }

    private Spool spool() {
        ApplianceConfig current = config.get();
        return new Spool(
                folder().resolve("spool"),
                current.callHome().spoolMaxBundles(),
                current.callHome().spoolMaxBytes());
    }

    private Path folder() {
        return directory.root().resolve("callhome");
    }

    private CallHomeState state() {
        return directory.readDocument(folder().resolve("state.json"), CallHomeState.class, CallHomeState.INITIAL);
    }

    private CallHomeState update(java.util.function.UnaryOperator<CallHomeState> change) {
        return directory.updateDocument(
                folder().resolve("state.json"), CallHomeState.class, CallHomeState.INITIAL, change);
    }

    private static byte[] gzip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Work that must run on the worker (one at a time, in order with the schedule). */
    @FunctionalInterface
    private interface Work {
        String run() throws Exception;
    }

    private String onWorker(Work work) {
        Future<String> result = worker.submit(work::run);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApplianceException refusal) {
                throw refusal;
            }
            throw new ApplianceException("Call Home failed: " + OneLine.reason(cause == null ? e : cause), e);
        }
    }
}
