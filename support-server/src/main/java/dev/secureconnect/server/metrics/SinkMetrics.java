package dev.secureconnect.server.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Each export sink's delivery, labelled with its name from {@code server.yaml} ({@code sink}):
 * {@code secureconnect_sink_lag_records} (records between its cursor and the chain head),
 * {@code secureconnect_sink_errors_total}, {@code secureconnect_sink_failing} (1 while a failure streak lasts) and
 * {@code secureconnect_sink_last_error_timestamp_seconds} (0: never failed since the server started).
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final LongSupplier head;

    /** @param head the audit chain head's sequence number as this process knows it ({@link AuditMetrics#head}) */
    public SinkMetrics(MeterRegistry registry, LongSupplier head) {
        this.registry = requireNonNull(registry, "registry");
        this.head = requireNonNull(head, "head");
    }

    /** Counts nothing anyone reads (tests, tools). */
    public static SinkMetrics none() {
        return new SinkMetrics(new CompositeMeterRegistry(), () -> 0);
    }

    /** The meters of sink {@code name}, registered now; {@link Sink#remove} them when the sink stops. */
    public Sink sink(String name) {
        return new Sink(name);
    }

    /** One sink's meters, told by its worker of each delivery and failure. */
    public final class Sink {
        private final AtomicLong delivered = new AtomicLong(-1); // -1: the cursor not read yet
        private final AtomicLong failing = new AtomicLong();
        private final AtomicLong lastErrorMillis = new AtomicLong();
        private final Counter errors;
        private final List<Meter> meters;

        private Sink(String name) {
            this.errors = Counter.builder("secureconnect.sink.errors")
                    .description("Failed delivery attempts of an export sink")
                    .tag("sink", name)
                    .register(registry);
            this.meters = List.of(
                    errors,
                    Gauge.builder("secureconnect.sink.lag.records", this, Sink::lag)
                            .description("Audit records between an export sink's cursor and the chain head")
                            .tag("sink", name)
                            .register(registry),
                    Gauge.builder("secureconnect.sink.failing", failing, AtomicLong::get)
                            .description("1 while an export sink's deliveries fail, else 0")
                            .tag("sink", name)
                            .register(registry),
                    Gauge.builder(
                                    "secureconnect.sink.last.error.timestamp",
                                    lastErrorMillis,
                                    millis -> millis.get() / 1000.0)
                            .description("When an export sink last failed (Unix time; 0: not since the start)")
                            .baseUnit("seconds")
                            .tag("sink", name)
                            .register(registry));
        }

        /** The sink's cursor, as read at its start: every record up to {@code seq} is delivered. */
        public void cursorAt(long seq) {
            delivered.set(seq);
        }

        /** A delivery succeeded: every record up to {@code seq} is delivered, and a failure streak is over. */
        public void delivered(long seq) {
            delivered.set(seq);
            failing.set(0);
        }

        /** A delivery (or reading the log for it) failed at {@code at}. */
        public void failed(Instant at) {
            errors.increment();
            failing.set(1);
            lastErrorMillis.set(at.toEpochMilli());
        }

        double lag() {
            long cursor = delivered.get();
            return cursor < 0 ? Double.NaN : Math.max(0, head.getAsLong() - cursor);
        }

        /** Removes the sink's meters (it stopped, or was removed from {@code server.yaml}). */
        public void remove() {
            meters.forEach(registry::remove);
        }
    }
}
