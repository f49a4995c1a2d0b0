package dev.secureconnect.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's audit log: {@code secureconnect_audit_records_appended_total} (records committed by this process),
 * {@code secureconnect_audit_append_seconds} (how long a caller waits for its record to be committed, group commit
 * included; a histogram), {@code secureconnect_audit_append_failures_total} and {@code secureconnect_audit_head_seq},
 * the chain head's sequence number as this process last saw it (what {@link SinkMetrics} measures a sink's lag
 * from).
 */
public final class AuditMetrics {

    private final Counter appended;
    private final Counter failures;
    private final Timer latency;
    private final AtomicLong head = new AtomicLong();

    public AuditMetrics(MeterRegistry registry) {
        this.appended = Counter.builder("secureconnect.audit.records.appended")
                .description("Audit records committed by this process")
                .register(registry);
        this.failures = Counter.builder("secureconnect.audit.append.failures")
                .description("Audit transactions that could not commit (the records were held or refused)")
                .register(registry);
        this.latency = Timer.builder("secureconnect.audit.append")
                .description("Time from an audit append to its commit, group commit included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("secureconnect.audit.head.seq", head, AtomicLong::get)
                .description("Sequence number of the audit chain's head, as this process last saw it")
                .register(registry);
    }

    /** Counts nothing anyone reads (tests, tools). */
    public static AuditMetrics none() {
        return new AuditMetrics(new CompositeMeterRegistry());
    }

    /** A transaction committed {@code records} records, the last one {@code headSeq}. */
    public void committed(int records, long headSeq) {
        appended.increment(records);
        headAt(headSeq);
    }

    /** A transaction could not commit. */
    public void failed() {
        failures.increment();
    }

    /** An append's caller waited {@code nanos} for its record. */
    public void appendTook(long nanos) {
        latency.record(Duration.ofNanos(nanos));
    }

    /** The head is at least {@code seq} (read from the database, or seen by a sink: another process appended). */
    public void headAt(long seq) {
        head.accumulateAndGet(seq, Math::max);
    }

    public long head() {
        return head.get();
    }
}
