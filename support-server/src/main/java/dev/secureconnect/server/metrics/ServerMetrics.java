package dev.secureconnect.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;

/**
 * The daemon's one meter registry, in Prometheus's exposition formats, with the JVM's meters (memory, garbage
 * collection, threads, class loading, CPU, uptime) bound. The concern classes ({@link HandshakeMetrics},
 * {@link LinkMetrics}, …) register their meters on {@link #registry()}; nothing is global.
 */
public final class ServerMetrics implements AutoCloseable {

    /** The Prometheus text format (version 0.0.4), the default answer. */
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** OpenMetrics 1.0, the answer when the scraper accepts it (Prometheus does). */
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** A registry with the JVM's meters bound. */
    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Where the concern classes register their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** One scrape: every meter now, in OpenMetrics if {@code accept} asks for it, else the Prometheus text format. */
    public Scrape scrape(String accept) {
        String type = accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text") ? OPEN_METRICS : TEXT;
        return new Scrape(type, registry.scrape(type));
    }

    /** A scrape's body and its content type. */
    public record Scrape(String contentType, String body) {}

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
