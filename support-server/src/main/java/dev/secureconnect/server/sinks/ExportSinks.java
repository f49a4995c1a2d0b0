package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.Destination;
import dev.secureconnect.export.mail.SmtpMailer;
import dev.secureconnect.server.appliances.ApplianceContacts;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.config.Sink;
import dev.secureconnect.server.metrics.SinkMetrics;
import dev.secureconnect.server.reports.SessionReports;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running export sinks: one {@link SinkWorker} thread per configured sink (and one for the mail notifier),
 * woken by every append of this process. {@link #apply} replaces the set when {@code server.yaml} changes: sinks
 * whose configuration is unchanged keep running, changed ones restart from their cursor, removed ones stop.
 * Thread-safe.
 */
public final class ExportSinks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExportSinks.class);
    private static final long STOP_MILLIS = 5_000;

    private final ServerAuditLog audit;
    private final SinkCursors cursors;
    private final Function<Sink, Destination> destinations;
    private final ServerConfig.Audit retry;
    private final Clock clock;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private volatile SinkMetrics metrics = SinkMetrics.none();

    /** A worker and what it was made from ({@code config}: the sink, to tell whether a new one differs). */
    private record Running(Object config, SinkWorker worker, Thread thread, SinkMetrics.Sink meters) {}

    private record Prepared(
            String name,
            String target,
            boolean startAtNow,
            Object config,
            EventFilter filter,
            Destination destination) {}

    public ExportSinks(
            ServerAuditLog audit,
            SinkCursors cursors,
            Function<Sink, Destination> destinations,
            ServerConfig.Audit retry,
            Clock clock) {
        this.audit = requireNonNull(audit, "audit");
        this.cursors = requireNonNull(cursors, "cursors");
        this.destinations = requireNonNull(destinations, "destinations");
        this.retry = requireNonNull(retry, "retry");
        this.clock = requireNonNull(clock, "clock");
        audit.onAppend(this::wakeAll);
    }

    /** Measures each sink started from now on (its lag, its errors) in {@code measuring}; before {@link #apply}. */
    public void measuredBy(SinkMetrics measuring) {
        this.metrics = requireNonNull(measuring, "measuring");
    }

    /**
     * Runs exactly {@code sinks}.
     *
     * @throws IllegalArgumentException one line, if a sink's filter or destination cannot be set up (a missing
     *     secret file, an unreadable CA); the sinks running before are left as they were
     */
    public synchronized void apply(List<Sink> sinks) {
        Map<String, Prepared> prepared = new LinkedHashMap<>();
        try {
            for (Sink sink : sinks) {
                Running current = running.get(sink.name());
                if (current == null || !current.config().equals(sink)) {
                    EventFilter filter = EventFilter.of(sink);
                    prepared.put(
                            sink.name(),
                            new Prepared(
                                    sink.name(),
                                    sink.describe(),
                                    "now".equals(sink.startAt()),
                                    sink,
                                    filter,
                                    destinations.apply(sink)));
                }
            }
        } catch (RuntimeException e) {
            prepared.values().forEach(p -> p.destination().close());
            throw e;
        }
        List<String> wanted = sinks.stream().map(Sink::name).toList();
        for (String name : new ArrayList<>(running.keySet())) {
            if (!wanted.contains(name) || prepared.containsKey(name)) {
                stop(requireNonNull(running.remove(name), "a running sink's name"));
                LOG.info("sink {} stopped ({})", name, wanted.contains(name) ? "configuration changed" : "removed");
            }
        }
        prepared.values().forEach(this::start);
    }

    /** Runs an extra consumer of the log under its own cursor, e.g. the mail notifier. */
    /**
     * Runs the mail notifier: session start and end mails to the appliances' contacts, from the log's
     * {@code stream.opened}/{@code stream.closed} records under the cursor {@code mail} (a first start begins now).
     */
    public synchronized void notifyByMail(SmtpMailer mailer, ApplianceContacts contacts, SessionReports reports) {
        notifyByMail(mailer, contacts, reports, ServerConfig.CallHome.DEFAULT);
    }

    /**
     * Runs the mail notifier, which also mails the cases Call Home opens ({@code case.opened}) to the contacts and the
     * support queue as {@code cases} says.
     */
    public synchronized void notifyByMail(
            SmtpMailer mailer, ApplianceContacts contacts, SessionReports reports, ServerConfig.CallHome cases) {
        MailNotifier notifier = new MailNotifier(mailer, contacts, reports, cases);
        start(new Prepared(
                MailNotifier.NAME, notifier.describe(), true, notifier.describe(), MailNotifier.EVENTS, notifier));
    }

    private void start(Prepared prepared) {
        cursors.open(prepared.name(), prepared.startAtNow() ? audit.lastSeq() : 0);
        SinkMetrics.Sink meters = metrics.sink(prepared.name());
        SinkWorker worker = new SinkWorker(
                prepared.name(),
                prepared.target(),
                prepared.destination(),
                prepared.filter(),
                audit,
                cursors,
                retry.retryInitial(),
                retry.retryMax(),
                clock,
                meters);
        Thread thread = new Thread(worker, "sc-sink-" + prepared.name());
        thread.setDaemon(true);
        thread.start();
        running.put(prepared.name(), new Running(prepared.config(), worker, thread, meters));
    }

    private void wakeAll() {
        List<Running> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(running.values());
        }
        snapshot.forEach(r -> r.worker().wake());
    }

    /** The names of the sinks running. */
    public synchronized List<String> names() {
        return List.copyOf(running.keySet());
    }

    private static void stop(Running running) {
        running.meters().remove();
        running.worker().stop();
        try {
            running.thread().join(STOP_MILLIS);
            if (running.thread().isAlive()) {
                running.worker().abort(); // blocked on a dead receiver: closing the connection ends the delivery
                running.thread().join(STOP_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.thread().isAlive()) {
            LOG.warn("sink {} did not stop within {} ms", running.worker().name(), 2 * STOP_MILLIS);
        }
    }

    @Override
    public synchronized void close() {
        running.values().forEach(ExportSinks::stop);
        running.clear();
    }
}
