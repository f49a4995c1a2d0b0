package dev.secureconnect.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engineer session streams this node relays: {@code secureconnect_streams_open{kind}} now, and
 * {@code secureconnect_stream_bytes_total{kind, direction}} moved (counted when a stream ends).
 */
public final class StreamMetrics {

    /** What a stream does: a byte stream to a service, a command, a file read or written. */
    public enum Kind {
        PROXY,
        EXEC,
        FILE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Kind, AtomicInteger> open = new EnumMap<>(Kind.class);
    private final Map<Kind, Counter> toAppliance = new EnumMap<>(Kind.class);
    private final Map<Kind, Counter> fromAppliance = new EnumMap<>(Kind.class);

    public StreamMetrics(MeterRegistry registry) {
        for (Kind kind : Kind.values()) {
            AtomicInteger count = new AtomicInteger();
            open.put(kind, count);
            Gauge.builder("secureconnect.streams.open", count, AtomicInteger::get)
                    .description("Engineer session streams this node relays now")
                    .tag("kind", kind.label())
                    .register(registry);
            toAppliance.put(kind, bytes(registry, kind, "to_appliance"));
            fromAppliance.put(kind, bytes(registry, kind, "from_appliance"));
        }
    }

    /** Counts nothing anyone reads (tests, tools). */
    public static StreamMetrics none() {
        return new StreamMetrics(new CompositeMeterRegistry());
    }

    private static Counter bytes(MeterRegistry registry, Kind kind, String direction) {
        return Counter.builder("secureconnect.stream.bytes")
                .description("Bytes relayed by engineer session streams, counted when a stream ends")
                .baseUnit("bytes")
                .tag("kind", kind.label())
                .tag("direction", direction)
                .register(registry);
    }

    public void opened(Kind kind) {
        count(kind).incrementAndGet();
    }

    /** A stream {@link #opened} ended, having moved these bytes each way. */
    public void ended(Kind kind, long bytesToAppliance, long bytesFromAppliance) {
        count(kind).decrementAndGet();
        counter(toAppliance, kind).increment(bytesToAppliance);
        counter(fromAppliance, kind).increment(bytesFromAppliance);
    }

    private AtomicInteger count(Kind kind) {
        AtomicInteger count = open.get(kind);
        if (count == null) {
            throw new IllegalStateException("no gauge for stream kind " + kind);
        }
        return count;
    }

    private static Counter counter(Map<Kind, Counter> counters, Kind kind) {
        Counter counter = counters.get(kind);
        if (counter == null) {
            throw new IllegalStateException("no counter for stream kind " + kind);
        }
        return counter;
    }
}
