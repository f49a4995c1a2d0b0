package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.metrics.SinkMetrics;
import dev.secureconnect.tunnel.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's delivery loop, on its own thread: reads the audit log after the sink's durable cursor, passes the
 * records its filter wants to the destination in batches, and moves the cursor only past what the destination
 * accepted. On any failure — the destination's, or the database's while reading the log or moving the cursor
 * (e.g. {@code SQLITE_BUSY}) — it keeps the cursor and its thread, records the error for {@code sinks status} (when
 * the database takes it), audits {@code sink.delivery-failing} once per streak (retried until the log takes it), and
 * tries again after a back-off with full jitter growing from {@code retryInitial} up to {@code retryMax}; when it
 * works again it audits {@code sink.delivery-recovered}. Nothing is skipped, so a receiver that was down gets every
 * record (some possibly twice: it de-duplicates by seq).
 */
final class SinkWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    /** How many records one read of the log takes. */
    static final int READ_BATCH = 1000;
    /** The longest a worker sleeps without looking at the log (records appended by other processes). */
    static final long IDLE_LOOK_MILLIS = 1000;

    private final String name;
    private final String target;
    private final Destination destination;
    private final EventFilter filter;
    private final ServerAuditLog audit;
    private final SinkCursors cursors;
    private final Backoff backoff;
    private final Clock clock;
    private final SinkMetrics.Sink metrics;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean stopped;

    SinkWorker(
            String name,
            String target,
            Destination destination,
            EventFilter filter,
            ServerAuditLog audit,
            SinkCursors cursors,
            Duration retryInitial,
            Duration retryMax,
            Clock clock,
            SinkMetrics.Sink metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.name = requireNonNull(name, "name");
        this.target = requireNonNull(target, "target");
        this.destination = requireNonNull(destination, "destination");
        this.filter = requireNonNull(filter, "filter");
        this.audit = requireNonNull(audit, "audit");
        this.cursors = requireNonNull(cursors, "cursors");
        this.backoff = new Backoff(requireNonNull(retryInitial, "retryInitial"), requireNonNull(retryMax, "retryMax"));
        this.clock = requireNonNull(clock, "clock");
    }

    String name() {
        return name;
    }

    /** New records may be there: look now instead of at the next idle look. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Asks the loop to end; it does after the delivery in progress (or at once, if waiting). */
    void stop() {
        stopped = true;
        wake();
    }

    /** Closes the destination: aborts a delivery blocked on a dead receiver. */
    void abort() {
        destination.close();
    }

    @Override
    public void run() {
        Optional<Outage> outage = Optional.empty();
        OptionalLong delivered = OptionalLong.empty();
        int failures = 0;
        try {
            while (!stopped) {
                try {
                    if (delivered.isEmpty()) {
                        SinkCursor cursor = cursors.get(name)
                                .orElseThrow(() -> new IllegalStateException("sink " + name + " has no cursor"));
                        delivered = OptionalLong.of(cursor.deliveredSeq());
                        metrics.cursorAt(cursor.deliveredSeq());
                        if (cursor.failing() && outage.isEmpty()) {
                            outage = Optional.of(new Outage(
                                    requireNonNull(cursor.failingSince(), "a failing cursor has its start"),
                                    true,
                                    true));
                        }
                        LOG.info("sink {} ({}) delivering after record {}", name, target, delivered.getAsLong());
                    }
                    List<ServerAuditRecord> records = audit.list(delivered.getAsLong(), READ_BATCH);
                    if (records.isEmpty() && outage.map(Outage::receiverDown).orElse(false)) {
                        // the receiver has not been tried since it failed: only a delivery says it is back
                        await(IDLE_LOOK_MILLIS);
                        continue;
                    }
                    if (!records.isEmpty()) {
                        delivered = OptionalLong.of(deliver(records));
                    }
                    if (outage.isPresent()) {
                        if (!outage.get().audited()) {
                            outage = Optional.of(outage.get()
                                    .audited(failing(delivered, "the database failed (see the server log)")));
                        }
                        recovered(delivered.getAsLong(), outage.get());
                        outage = Optional.empty();
                    }
                    failures = 0;
                    metrics.delivered(delivered.getAsLong());
                    if (records.isEmpty()) {
                        await(IDLE_LOOK_MILLIS);
                    }
                } catch (DeliveryException | RuntimeException e) {
                    // any failure (the receiver, or the database: SQLITE_BUSY, a lost connection) keeps the cursor
                    // and the thread; the loop tries again after a back-off
                    destination.close();
                    if (stopped) {
                        break;
                    }
                    String error = e.getMessage() == null ? e.toString() : e.getMessage();
                    boolean receiverDown = e instanceof DeliveryException;
                    Outage current = outage.orElseGet(() -> new Outage(clock.instant(), false, receiverDown))
                            .with(receiverDown);
                    metrics.failed(clock.instant());
                    // the status first: whoever reads sink.delivery-failing in the log finds it in sinks status too
                    noteFailure(error);
                    if (!current.audited()) {
                        current = current.audited(failing(delivered, error));
                    }
                    outage = Optional.of(current);
                    Duration wait = backoff.next(++failures);
                    LOG.debug("sink {} failed, next try in {}: {}", name, wait, error, e);
                    await(wait.toMillis());
                }
            }
        } finally {
            destination.close();
        }
    }

    /**
     * The failure streak in progress.
     *
     * @param since its first failure
     * @param audited whether {@code sink.delivery-failing} is in the log (it is retried while the log cannot be
     *     written, and written before {@code sink.delivery-recovered} at the latest)
     * @param receiverDown whether the last failure was the destination's (rather than the database's)
     */
    private record Outage(Instant since, boolean audited, boolean receiverDown) {
        Outage with(boolean receiverFailed) {
            return new Outage(since, audited, receiverFailed);
        }

        Outage audited(boolean done) {
            return new Outage(since, done, receiverDown);
        }
    }

    /** Shows the failure in {@code sinks status}, when the database takes it (it may be what fails). */
    private void noteFailure(String error) {
        try {
            cursors.failed(name, error);
        } catch (RuntimeException e) {
            LOG.warn("sink {} ({}): cannot record its failure in the database: {}", name, target, e.getMessage());
        }
    }

    /** Delivers the records the filter wants, moving the cursor batch by batch; returns the new cursor. */
    private long deliver(List<ServerAuditRecord> records) throws DeliveryException {
        List<ExportedEvent> batch = new ArrayList<>();
        for (ServerAuditRecord record : records) {
            if (filter.passes(record.event().type())) {
                batch.add(ExportedEvents.of(record, audit));
                if (batch.size() >= destination.maxBatch()) {
                    destination.deliver(batch);
                    cursors.advance(name, record.seq());
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            destination.deliver(batch);
        }
        long last = records.get(records.size() - 1).seq();
        cursors.advance(name, last);
        return last;
    }

    /** Audits {@code sink.delivery-failing}; whether it was written (the audit log may be what fails). */
    private boolean failing(OptionalLong delivered, String error) {
        String after = delivered.isPresent() ? String.valueOf(delivered.getAsLong()) : "(cursor not read)";
        LOG.warn("sink {} ({}) is failing after record {}: {}; retrying", name, target, after, error);
        ServerAuditEvent.Builder event = ServerAuditEvent.builder(EventType.SINK_DELIVERY_FAILING)
                .actor("sc-server")
                .outcome(ServerAuditEvent.Outcome.FAILURE)
                .detail("sink", name)
                .detail("target", target)
                .detail("error", error);
        if (delivered.isPresent()) {
            event.detail("deliveredSeq", delivered.getAsLong());
        }
        try {
            audit.append(event.build());
            return true;
        } catch (RuntimeException e) {
            LOG.error(
                    "sink {} ({}): cannot audit its failure yet, will again at the next try: {}",
                    name,
                    target,
                    e.getMessage());
            return false;
        }
    }

    /** Ends the outage: audits it and clears it in the status. */
    private void recovered(long delivered, Outage outage) {
        Duration failedFor = Duration.between(outage.since(), clock.instant());
        LOG.info("sink {} ({}) delivers again after {}, at record {}", name, target, failedFor, delivered);
        audit.append(ServerAuditEvent.builder(EventType.SINK_DELIVERY_RECOVERED)
                .actor("sc-server")
                .detail("sink", name)
                .detail("target", target)
                .detail("deliveredSeq", delivered)
                .detail("failedFor", failedFor.withNanos(0).toString())
                .build());
        cursors.delivering(name);
    }

    private void await(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (signal) {
            while (!woken && !stopped) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
            woken = false;
        }
    }
}
