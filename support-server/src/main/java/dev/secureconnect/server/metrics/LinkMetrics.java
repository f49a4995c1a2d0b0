package dev.secureconnect.server.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/** The appliance links this node holds, {@code secureconnect_links_up} (read at each scrape). */
public final class LinkMetrics {

    private LinkMetrics() {}

    /** @param up how many links are up now (a map's size: cheap, no lock, no database) */
    public static void register(MeterRegistry registry, IntSupplier up) {
        requireNonNull(up, "up");
        Gauge.builder("secureconnect.links.up", up::getAsInt)
                .description("Appliance links this node holds")
                .register(registry);
    }
}
