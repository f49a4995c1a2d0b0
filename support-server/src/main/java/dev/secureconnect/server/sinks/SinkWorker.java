package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.tunnel.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's delivery loop, on its own thread: reads the audit log after the sink's durable cursor, passes the
 * records its filter wants to the destination in batches, and moves the cursor only past what the destination
 * accepted. On a failure it keeps the cursor, audits {@code sink.delivery-failing} once per streak, and tries
 * again after a back-off that doubles from {@code retryInitial} up to {@code retryMax}; when delivery works again
 * it audits {@code sink.delivery-recovered}. Nothing is skipped, so a receiver that was down gets every record
 * (some possibly twice: it de-duplicates by seq).
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
            Clock clock) {
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
        SinkCursor cursor = cursors.get(name).orElseThrow();
        long delivered = cursor.deliveredSeq();
        Instant failingSince = cursor.failingSince();
        int failures = 0;
        LOG.info("sink {} ({}) delivering after record {}", name, target, delivered);
        try {
            while (!stopped) {
                List<ServerAuditRecord> records = audit.list(delivered, READ_BATCH);
                if (records.isEmpty()) {
                    await(IDLE_LOOK_MILLIS);
                    continue;
                }
                try {
                    delivered = deliver(records);
                    if (failingSince != null) {
                        recovered(delivered, failingSince);
                        failingSince = null;
                    }
                    failures = 0;
                } catch (DeliveryException e) {
                    destination.close();
                    if (stopped) {
                        break;
                    }
                    cursors.failed(name, e.getMessage());
                    if (failingSince == null) {
                        failingSince = clock.instant();
                        failing(delivered, e.getMessage());
                    }
                    Duration wait = backoff.ceiling(++failures);
                    LOG.debug("sink {} failed, next try in {}: {}", name, wait, e.getMessage());
                    await(wait.toMillis());
                }
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "sink {} ({}) stopped by an unexpected error after record {}: {}",
                    name,
                    target,
                    delivered,
                    e.toString(),
                    e);
        } finally {
            destination.close();
        }
    }

    /** Delivers the records the filter wants, moving the cursor batch by batch; returns the new cursor. */
    private long deliver(List<ServerAuditRecord> records) throws DeliveryException {
        List<ExportedEvent> batch = new ArrayList<>();
        for (ServerAuditRecord record : records) {
            if (filter.passes(record.event().type())) {
                batch.add(ExportedEvents.of(record));
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

    private void failing(long delivered, String error) {
        LOG.warn("sink {} ({}) is failing after record {}: {}; retrying", name, target, delivered, error);
        audit.append(ServerAuditEvent.builder(EventType.SINK_DELIVERY_FAILING)
                .actor("sc-server")
                .outcome(ServerAuditEvent.Outcome.FAILURE)
                .detail("sink", name)
                .detail("target", target)
                .detail("error", error)
                .detail("deliveredSeq", delivered)
                .build());
    }

    private void recovered(long delivered, Instant failingSince) {
        Duration failedFor = Duration.between(failingSince, clock.instant());
        LOG.info("sink {} ({}) delivers again after {}, at record {}", name, target, failedFor, delivered);
        audit.append(ServerAuditEvent.builder(EventType.SINK_DELIVERY_RECOVERED)
                .actor("sc-server")
                .detail("sink", name)
                .detail("target", target)
                .detail("deliveredSeq", delivered)
                .detail("failedFor", failedFor.withNanos(0).toString())
                .build());
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
