package dev.secureconnect.appliance.callhome;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.CallHomeConfig;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.link.ServiceEntry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes a bundle from what the appliance knows now. Runs on a Call Home worker (health checks start processes, log
 * tails read files, the services are probed): never on an event loop.
 */
public final class BundleCollector {

    /** How long a service's port may take to accept. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** The link's side of the bundle; the daemon's answers from its link supervisor and audit log. */
    @FunctionalInterface
    public interface LinkView {
        /** The link's state and its last {@code recentEvents} audit events. */
        Bundle.LinkReport link(int recentEvents);
    }

    /** Everything the collector reads, apart from the configuration. */
    public record Sources(
            String serial,
            Bundle.Product product,
            Clock clock,
            SystemView system,
            LinkView link,
            Supplier<CommandCatalogue> catalogue,
            Supplier<UUID> ids) {
        public Sources {
            requireNonNull(serial, "serial");
            requireNonNull(product, "product");
            requireNonNull(clock, "clock");
            requireNonNull(system, "system");
            requireNonNull(link, "link");
            requireNonNull(catalogue, "catalogue");
            requireNonNull(ids, "ids");
        }
    }

    private final Sources sources;

    public BundleCollector(Sources sources) {
        this.sources = requireNonNull(sources, "sources");
    }

    /**
     * A new bundle.
     *
     * @param trigger {@code schedule} or {@code admin}
     * @param services the allow-listed services, probed on 127.0.0.1
     * @param spool what the spool dropped since the last bundle that left
     */
    public Bundle collect(CallHomeConfig config, List<ServiceEntry> services, String trigger, Bundle.SpoolReport spool)
            throws InterruptedException {
        Redaction redaction = Redaction.of(config.redactPatterns());
        Redaction.Counts counts = new Redaction.Counts();
        String createdAt = sources.clock().instant().toString();
        SystemFacts facts = null;
        String systemError = null;
        try {
            facts = sources.system().facts();
        } catch (RuntimeException e) {
            systemError = "cannot read the system's facts: " + OneLine.of(e.getMessage());
        }
        Bundle.LinkReport link = redacted(sources.link().link(config.recentLinkEvents()), redaction, counts);
        List<Bundle.Service> probed = new ArrayList<>();
        for (ServiceEntry service : services) {
            probed.add(new Bundle.Service(service.name(), service.port(), accepts(service.port())));
        }
        List<HealthChecks.Result> checks =
                HealthChecks.run(config.healthChecks(), sources.catalogue().get(), redaction, counts);
        List<LogTails.Tail> logs =
                LogTails.read(config.logs(), config.logTailBytes(), config.logBundleBytes(), redaction, counts);
        return new Bundle(
                Bundle.FORMAT,
                sources.ids().get().toString(),
                sources.serial(),
                createdAt,
                trigger,
                sources.product(),
                facts,
                systemError,
                link,
                probed,
                checks,
                logs,
                new Bundle.Redactions(counts.total(), counts.byRule()),
                spool);
    }

    private static Bundle.LinkReport redacted(Bundle.LinkReport link, Redaction redaction, Redaction.Counts counts) {
        List<Bundle.LinkEvent> events = new ArrayList<>();
        for (Bundle.LinkEvent event : link.recentEvents()) {
            String reason = event.reason();
            events.add(new Bundle.LinkEvent(
                    event.time(),
                    event.event(),
                    event.outcome(),
                    reason == null ? null : redaction.apply(reason, counts)));
        }
        String reason = link.reason();
        return new Bundle.LinkReport(
                link.secureConnect(),
                link.state(),
                reason == null ? null : redaction.apply(reason, counts),
                link.since(),
                events);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
