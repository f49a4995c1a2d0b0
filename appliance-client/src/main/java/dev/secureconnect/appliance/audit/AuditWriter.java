package dev.secureconnect.appliance.audit;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's writer thread: takes submitted events in order and commits what has queued up as one group (group
 * commit: one lock, one fsync, one head per batch), completing each event's future once it is durable in the log.
 *
 * <p>When a batch cannot be written, the events that must not be lost ({@code retried}) are held in the
 * {@link AuditSpill} file, in order, each forced to disk, after an {@code audit.degraded} record (the outage's first
 * failure); the others fail at once. They are tried again with back-off (and at once when a record arrives, so that
 * it is held without waiting), ahead of anything submitted later, and go into
 * the log together with {@code audit.recovered} in one batch; only then are they cut from the spill file. Records held
 * by a process killed before that are appended by the next one (those the log already holds, by their
 * {@code spillId}, are dropped instead). Once the spill file reaches its bound, or cannot be written, the backlog-full
 * action runs (once per outage: the daemon closes every session); from then on refusals are only counted
 * ({@code unrecorded} in {@code audit.recovered}) while records of what was done are still held.
 */
final class AuditWriter {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

    /** Retrying a log that cannot be written: soon at first, then every few seconds. */
    static final Backoff RETRY = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));

    /** The actor of the writer's own records ({@code audit.degraded}, {@code audit.recovered}). */
    static final String SYSTEM_ACTOR = "system";

    private record Pending(
            @Nullable ApplianceAuditEvent event, boolean retried, CompletableFuture<ApplianceAuditRecord> durable) {}

    /**
     * A record waiting for the log: held in the spill file ({@code inFile}), or only here when that could not be
     * written; {@code durable} is its submitter's future (none for the writer's own records and a killed process's).
     */
    private record Waiting(
            AuditSpill.Held held, boolean inFile, @Nullable CompletableFuture<ApplianceAuditRecord> durable) {}

    /** Stops the writer thread once everything before it is written (the one pending without an event). */
    private static final Pending STOP = new Pending(null, false, new CompletableFuture<>());

    private final Function<List<ApplianceAuditEvent>, List<ApplianceAuditRecord>> write;
    private final AuditSpill spill;
    private final Supplier<Set<String>> appendedSpillIds;
    private final Clock clock;
    private final Backoff retry;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    // writer thread only
    /** Records waiting for the log, oldest first: the spill file's records after the first {@link #toCut}. */
    private final List<Waiting> waiting = new ArrayList<>();
    /** Whether the records a previous process held were checked against the log (none are appended twice). */
    private boolean checked;
    /** Records of the spill file already in the log, still to be cut from it. */
    private int toCut;
    /** Refusals not held since the spill file was full. */
    private long unrecorded;
    /** Whether the spill file could not be written during this outage. */
    private boolean spillFailed;
    /** Whether the backlog-full action ran for this outage. */
    private boolean fullSignalled;

    private volatile Runnable backlogFull = () -> {};
    private volatile int waitingSubmitted;
    private @Nullable Thread thread; // guarded by this
    private boolean stopped; // guarded by this

    /**
     * @param write appends a group of events to the log, all or nothing
     * @param spill where records wait while the log cannot be written; what it holds now (a killed process's records)
     *     is appended first
     * @param appendedSpillIds the {@code spillId}s the log holds (read once, when the spill held records at start)
     */
    AuditWriter(
            Function<List<ApplianceAuditEvent>, List<ApplianceAuditRecord>> write,
            AuditSpill spill,
            Supplier<Set<String>> appendedSpillIds,
            Clock clock,
            Backoff retry,
            int maxBatch) {
        this.write = write;
        this.spill = spill;
        this.appendedSpillIds = appendedSpillIds;
        this.clock = clock;
        this.retry = retry;
        this.maxBatch = maxBatch;
        for (AuditSpill.Held held : spill.records()) {
            waiting.add(new Waiting(held, true, null));
        }
        checked = waiting.isEmpty();
        waitingSubmitted = submittedCount();
    }

    CompletableFuture<ApplianceAuditRecord> submit(ApplianceAuditEvent event, boolean retried) {
        Pending pending = new Pending(Objects.requireNonNull(event, "event"), retried, new CompletableFuture<>());
        synchronized (this) {
            if (stopped) {
                pending.durable.completeExceptionally(new ApplianceException("the audit log is closed"));
                return pending.durable;
            }
            startThread();
            queue.add(pending);
        }
        return pending.durable;
    }

    /** Starts the writer thread now if the spill file holds records, so that they are appended without waiting. */
    synchronized void replayHeld() {
        if (!stopped && !checked) {
            startThread();
        }
    }

    private void startThread() {
        if (thread == null) {
            thread = new DefaultThreadFactory("sc-appliance-audit", true).newThread(this::run);
            thread.start();
        }
    }

    void whenBacklogFull(Runnable action) {
        backlogFull = Objects.requireNonNull(action, "action");
    }

    /** Records submitted and not yet in the log (queued, or held while the log cannot be written). */
    int backlog() {
        return queue.size() + waitingSubmitted;
    }

    void close(Duration timeout) {
        Thread running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = thread;
            if (running != null) {
                queue.add(STOP);
            }
        }
        if (running == null) {
            return;
        }
        try {
            running.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            running.interrupt();
        }
    }

    private void run() {
        int failures = 0;
        boolean stopping = false;
        @Nullable Pending woken = null;
        try {
            while (true) {
                List<Pending> fresh = new ArrayList<>();
                if (woken != null) {
                    fresh.add(woken);
                    woken = null;
                } else if (waiting.isEmpty()) {
                    Pending first = queue.take();
                    if (first == STOP) {
                        return;
                    }
                    fresh.add(first);
                }
                List<Pending> more = new ArrayList<>();
                queue.drainTo(more, maxBatch);
                for (Pending pending : more) {
                    if (pending == STOP) {
                        stopping = true;
                    } else {
                        fresh.add(pending);
                    }
                }
                try {
                    commit(fresh);
                    if (failures > 0) {
                        log.info("the audit log is written again after {} failed attempt(s)", failures);
                    }
                    failures = 0;
                } catch (RuntimeException e) {
                    failures++;
                    hold(fresh, e);
                    if (stopping) {
                        closeHeld(e);
                        return;
                    }
                    // the next try: after the back-off, or at once when a record arrives (held without waiting)
                    Pending next = queue.poll(retry.next(failures).toMillis(), TimeUnit.MILLISECONDS);
                    if (next == STOP) {
                        stopping = true; // one more try, then stop
                    } else {
                        woken = next;
                    }
                    continue;
                }
                if (stopping) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            ApplianceException closed =
                    new ApplianceException("the audit log was closed before the record was written");
            closeHeld(closed);
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            for (Pending pending : left) {
                pending.durable.completeExceptionally(closed);
            }
        }
    }

    /**
     * Appends the waiting records (each with {@code spilledAt} and {@code spillId}) and {@code audit.recovered}, then
     * {@code fresh}, as one group; then completes their futures and cuts the appended records from the spill file.
     */
    private void commit(List<Pending> fresh) {
        if (!checked) {
            dropAppendedBeforeACrash();
        }
        List<ApplianceAuditEvent> events = new ArrayList<>(waiting.size() + 1 + fresh.size());
        for (Waiting held : waiting) {
            events.add(held.held().appended());
        }
        boolean recovering = !waiting.isEmpty();
        if (recovering) {
            events.add(ApplianceAuditEvent.of(EventType.AUDIT_RECOVERED, SYSTEM_ACTOR)
                    .detail("appended", waiting.size())
                    .detail("unrecorded", unrecorded)
                    .detail(
                            "degradedFor",
                            Duration.between(waiting.get(0).held().spilledAt(), clock.instant())
                                    .toString())
                    .build());
        }
        for (Pending pending : fresh) {
            events.add(Objects.requireNonNull(pending.event(), "only STOP has no event"));
        }
        List<ApplianceAuditRecord> records = write.apply(events);
        int next = 0;
        int inFile = 0;
        for (Waiting held : waiting) {
            CompletableFuture<ApplianceAuditRecord> durable = held.durable();
            if (durable != null) {
                durable.complete(records.get(next));
            }
            inFile += held.inFile() ? 1 : 0;
            next++;
        }
        if (recovering) {
            next++;
            log.warn(
                    "the audit log is written again: {} held record(s) appended ({} refusal(s) unrecorded)",
                    waiting.size(),
                    unrecorded);
        }
        for (Pending pending : fresh) {
            pending.durable.complete(records.get(next++));
        }
        waiting.clear();
        waitingSubmitted = 0;
        unrecorded = 0;
        spillFailed = false;
        fullSignalled = false;
        toCut += inFile;
        cutAppended();
    }

    /** Cuts the records the log now holds from the spill file; if it cannot, the next try (or start) does. */
    private void cutAppended() {
        if (toCut == 0) {
            return;
        }
        try {
            spill.removeFirst(toCut);
            toCut = 0;
        } catch (IOException e) {
            log.error(
                    "{} held audit record(s) are in the audit log but cannot be cut from {} ({}): tried again with the"
                            + " next record, and at the next start (they are not appended twice)",
                    toCut,
                    spill.file(),
                    e.getMessage());
        }
    }

    /**
     * Drops the records a killed process held that the log already holds (it appended them and was killed before it
     * cut them from the spill file): they are found by their {@code spillId}.
     */
    private void dropAppendedBeforeACrash() {
        Set<String> appended = appendedSpillIds.get();
        int dropped;
        try {
            dropped = spill.dropAppended(appended);
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot cut the audit records already appended from " + spill.file() + ": " + e.getMessage(), e);
        }
        waiting.subList(0, dropped).clear();
        waitingSubmitted = submittedCount();
        checked = true;
        if (dropped > 0) {
            log.warn(
                    "{} audit record(s) held in {} were already in the audit log (appended just before a crash):"
                            + " not appended again",
                    dropped,
                    spill.file());
        }
    }

    /**
     * A batch could not be written: its records that must not be lost are held (after {@code audit.degraded} if the
     * outage begins now), the others fail; at the bound the backlog-full action runs.
     */
    private void hold(List<Pending> fresh, RuntimeException failure) {
        if (waiting.isEmpty()) {
            log.error("cannot write the audit log: {}", failure.getMessage());
            keep(
                    ApplianceAuditEvent.of(EventType.AUDIT_DEGRADED, SYSTEM_ACTOR)
                            .failed("the audit log cannot be written")
                            .detail("error", OneLine.of(String.valueOf(failure.getMessage())))
                            .detail("spilled", spill.size() - toCut)
                            .build(),
                    null);
        }
        for (Pending pending : fresh) {
            ApplianceAuditEvent event = Objects.requireNonNull(pending.event(), "only STOP has no event");
            if (!pending.retried()) {
                continue; // failed below, once the others are held
            }
            if (isRefusal(event) && (spill.full() || spillFailed)) {
                unrecorded++;
                log.error("the audit log cannot be written and its spill file is full: not recorded: {}", event);
                pending.durable()
                        .completeExceptionally(new ApplianceException(
                                "audit log unavailable and its spill file full: the refusal is not recorded"));
            } else {
                keep(event, pending.durable());
            }
        }
        for (Pending pending : fresh) {
            if (!pending.retried()) {
                pending.durable().completeExceptionally(failure);
            }
        }
        if ((spill.full() || spillFailed) && !fullSignalled) {
            fullSignalled = true;
            log.error(
                    "{} audit record(s) wait for the audit log in {}{}: closing every session",
                    waiting.size(),
                    spill.file(),
                    spillFailed ? " (which cannot be written either)" : "");
            runBacklogFull();
        }
    }

    /** Holds {@code event} in the spill file, or here only when the file cannot be written (the action runs then). */
    private void keep(ApplianceAuditEvent event, @Nullable CompletableFuture<ApplianceAuditRecord> durable) {
        AuditSpill.Held held = AuditSpill.Held.of(event, clock.instant());
        boolean inFile;
        try {
            spill.add(held);
            inFile = true;
        } catch (IOException e) {
            spillFailed = true;
            inFile = false;
            log.error(
                    "the audit log and its spill file {} cannot be written ({}): kept in memory only: {}",
                    spill.file(),
                    e.getMessage(),
                    event);
        }
        waiting.add(new Waiting(held, inFile, durable));
        if (event.type() != EventType.AUDIT_DEGRADED) {
            waitingSubmitted++;
        }
    }

    /** A refusal (of a stream, a token, a command, a file, a link): not an action done. */
    private static boolean isRefusal(ApplianceAuditEvent event) {
        return event.type().eventName().endsWith(".refused");
    }

    /** The writer stops with records waiting: those in the spill file are appended at the next start. */
    private void closeHeld(Exception cause) {
        if (waiting.isEmpty()) {
            return;
        }
        long lost = waiting.stream().filter(held -> !held.inFile()).count();
        log.error(
                "the audit log is closing with {} record(s) it could not write: {} held in {} for the next start{}",
                waiting.size(),
                waiting.size() - lost,
                spill.file(),
                lost > 0 ? ", " + lost + " lost (the spill file could not be written)" : "");
        for (Waiting held : waiting) {
            CompletableFuture<ApplianceAuditRecord> durable = held.durable();
            if (durable != null) {
                durable.completeExceptionally(cause);
            }
        }
    }

    private int submittedCount() {
        return (int) waiting.stream()
                .filter(held -> held.held().event().type() != EventType.AUDIT_DEGRADED)
                .count();
    }

    private void runBacklogFull() {
        try {
            backlogFull.run();
        } catch (RuntimeException e) {
            log.error("the audit backlog action failed", e);
        }
    }
}
