package dev.secureconnect.server.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.config.Sink;
import dev.secureconnect.server.metrics.AuditMetrics;
import dev.secureconnect.server.metrics.SinkMetrics;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

class ExportSinksTest {

    private static final ServerConfig.Audit FAST_RETRY =
            new ServerConfig.Audit(null, null, Duration.ofMillis(20), Duration.ofMillis(100));

    /** A receiver that keeps what it is given, or refuses everything while {@code down}. */
    static final class Receiver implements Destination {
        final List<Long> seqs = new CopyOnWriteArrayList<>();
        volatile boolean down;
        volatile int closes;

        @Override
        public void deliver(List<ExportedEvent> events) throws DeliveryException {
            if (down) {
                throw new DeliveryException("connection refused by 127.0.0.1:1");
            }
            events.forEach(event -> seqs.add(event.seq()));
        }

        @Override
        public int maxBatch() {
            return 7;
        }

        @Override
        public String describe() {
            return "test receiver";
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();

    private ExportSinks sinks(ServerAuditLog audit, TestDatabase test) {
        return new ExportSinks(
                audit,
                new SinkCursors(test.database(), Clock.systemUTC()),
                sink -> receivers.computeIfAbsent(sink.name(), name -> new Receiver()),
                FAST_RETRY,
                Clock.systemUTC());
    }

    private static Sink file(String name, String minSeverity) {
        return new Sink(
                name,
                "file",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "/tmp/" + name + ".jsonl",
                null,
                null,
                minSeverity,
                null,
                null,
                null,
                null,
                null);
    }

    private static void append(ServerAuditLog audit, int count, EventType type) {
        for (int i = 0; i < count; i++) {
            audit.append(
                    ServerAuditEvent.builder(type).actor("alice").detail("n", i).build());
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Eventually.within(Duration.ofSeconds(20), what, condition);
    }

    @StorageTest
    void eachSinksLagBehindTheHeadAndItsErrorsAreMeasured(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditMetrics auditMetrics = new AuditMetrics(registry);
        audit.measuredBy(auditMetrics);
        append(audit, 5, EventType.TICKET_OPENED);
        Receiver siem = receivers.computeIfAbsent("siem", name -> new Receiver());
        siem.down = true;
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.measuredBy(new SinkMetrics(registry, auditMetrics::head));
            sinks.apply(List.of(file("siem", null)));
            append(audit, 10, EventType.STREAM_OPENED);
            await("the failing sink counted", () -> gauge(registry, "secureconnect.sink.failing") == 1);
            assertThat(registry.get("secureconnect.sink.errors")
                            .tag("sink", "siem")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);
            assertThat(gauge(registry, "secureconnect.sink.last.error.timestamp"))
                    .isPositive();
            // every record behind (the receiver is down): the 15 appended and the sink's own sink.delivery-failing
            await("the lag counted", () -> gauge(registry, "secureconnect.sink.lag.records") == 16);
            assertThat(auditMetrics.head()).isEqualTo(16);
            assertThat(registry.get("secureconnect.audit.records.appended")
                            .counter()
                            .count())
                    .isEqualTo(16);
            assertThat(registry.get("secureconnect.audit.append").timer().count())
                    .isEqualTo(16);

            siem.down = false;
            append(audit, 1, EventType.STREAM_CLOSED);
            await("the sink caught up", () -> gauge(registry, "secureconnect.sink.lag.records") == 0);
            assertThat(gauge(registry, "secureconnect.sink.failing")).isZero();

            sinks.apply(List.of());
            assertThat(registry.find("secureconnect.sink.lag.records").gauges())
                    .as("a removed sink's meters go with it")
                    .isEmpty();
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("sink", "siem").gauge().value();
    }

    @StorageTest
    void aSinkGetsTheWholeLogInOrderAndItsCursorFollows(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        append(audit, 30, EventType.TICKET_OPENED);
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.apply(List.of(file("siem", null)));
            append(audit, 20, EventType.STREAM_OPENED);
            await("50 records delivered", () -> receivers.get("siem").seqs.size() >= 50);
            assertThat(receivers.get("siem").seqs)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50)
                            .boxed()
                            .toList());
            SinkCursors cursors = new SinkCursors(test.database(), Clock.systemUTC());
            await("cursor at 50", () -> cursors.get("siem").orElseThrow().deliveredSeq() == 50);
        }
    }

    @StorageTest
    void aFailingReceiverLosesNothingAndFailureAndRecoveryAreAuditedOnce(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        SinkCursors cursors = new SinkCursors(test.database(), Clock.systemUTC());
        Receiver receiver = receivers.computeIfAbsent("siem", name -> new Receiver());
        receiver.down = true;
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.apply(List.of(file("siem", null)));
            append(audit, 25, EventType.TICKET_OPENED);
            await("failure recorded", () -> cursors.get("siem").orElseThrow().failing());
            Thread.sleep(300); // several retries
            SinkCursor failing = cursors.get("siem").orElseThrow();
            assertThat(failing.deliveredSeq()).isZero();
            assertThat(failing.lastError()).isEqualTo("connection refused by 127.0.0.1:1");
            assertThat(records(audit, EventType.SINK_DELIVERY_FAILING)).hasSize(1);

            receiver.down = false;
            await("recovered", () -> !records(audit, EventType.SINK_DELIVERY_RECOVERED)
                    .isEmpty());
            long head = audit.lastSeq();
            await("everything delivered", () -> receiver.seqs.contains(head));
            assertThat(receiver.seqs)
                    .doesNotHaveDuplicates()
                    .containsAll(java.util.stream.LongStream.rangeClosed(1, head)
                            .boxed()
                            .toList());
            assertThat(records(audit, EventType.SINK_DELIVERY_FAILING)).hasSize(1);
            ServerAuditRecord recovered =
                    records(audit, EventType.SINK_DELIVERY_RECOVERED).get(0);
            assertThat(recovered.event().details())
                    .containsEntry("sink", "siem")
                    .containsKey("failedFor");
            await("no longer failing", () -> !cursors.get("siem").orElseThrow().failing());
        }
    }

    @StorageTest
    void aSinkSurvivesTheDatabaseFailingAndDeliversEverythingOnceItIsBack(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        SinkCursors cursors = new SinkCursors(test.database(), Clock.systemUTC());
        append(audit, 10, EventType.TICKET_OPENED);
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.apply(List.of(file("siem", null)));
            await("10 records delivered", () -> receivers.get("siem").seqs.size() >= 10);

            // the log cannot be read (nor appended to): a storage failure, not the receiver's
            test.tamper("ALTER TABLE audit_log RENAME TO audit_log_away");
            await(
                    "failure shown in the status",
                    () -> cursors.get("siem").orElseThrow().failing());
            SinkCursor failing = cursors.get("siem").orElseThrow();
            assertThat(failing.deliveredSeq()).isEqualTo(10);
            assertThat(failing.lastError()).isNotBlank();
            java.time.Instant firstError = failing.lastErrorAt();
            await(
                    "retried",
                    () -> cursors.get("siem").orElseThrow().lastErrorAt().isAfter(firstError));

            test.tamper("ALTER TABLE audit_log_away RENAME TO audit_log");
            append(audit, 5, EventType.STREAM_OPENED);
            await("recovered", () -> !records(audit, EventType.SINK_DELIVERY_RECOVERED)
                    .isEmpty());
            long head = audit.lastSeq();
            Receiver receiver = receivers.get("siem");
            await("everything delivered", () -> receiver.seqs.contains(head));
            assertThat(receiver.seqs)
                    .doesNotHaveDuplicates()
                    .containsAll(java.util.stream.LongStream.rangeClosed(1, head)
                            .boxed()
                            .toList());
            assertThat(records(audit, EventType.SINK_DELIVERY_FAILING)).hasSize(1);
            assertThat(records(audit, EventType.SINK_DELIVERY_RECOVERED)).hasSize(1);
            await("no longer failing", () -> !cursors.get("siem").orElseThrow().failing());
        }
    }

    @StorageTest
    void aFilterPassesOnlyWhatItWantsButTheCursorMovesOverEverything(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        append(audit, 5, EventType.LOGIN_OK); // informational
        append(audit, 3, EventType.LOGIN_FAILED); // warning
        append(audit, 2, EventType.TOKEN_MISUSED); // alert
        SinkCursors cursors = new SinkCursors(test.database(), Clock.systemUTC());
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.apply(List.of(file("alerts", "warning")));
            await(
                    "cursor at 10",
                    () -> cursors.get("alerts").map(c -> c.deliveredSeq() == 10).orElse(false));
            assertThat(receivers.get("alerts").seqs).containsExactly(6L, 7L, 8L, 9L, 10L);
        }
    }

    @StorageTest
    void applyKeepsUnchangedSinksRestartsChangedOnesFromTheirCursorAndStopsRemovedOnes(TestDatabase test)
            throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        append(audit, 10, EventType.TICKET_OPENED);
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.apply(List.of(file("a", null), file("b", null)));
            await(
                    "both delivered",
                    () -> receivers.get("a").seqs.size() == 10
                            && receivers.get("b").seqs.size() == 10);
            Receiver a = receivers.get("a");
            receivers.remove("b");

            sinks.apply(List.of(file("a", null), file("b", "warning")));
            append(audit, 2, EventType.LOGIN_FAILED);
            await("a gets the new ones", () -> a.seqs.size() == 12);
            await(
                    "b restarted from its cursor",
                    () -> receivers.containsKey("b") && receivers.get("b").seqs.size() == 2);
            assertThat(receivers.get("b").seqs).containsExactly(11L, 12L);
            assertThat(sinks.names()).containsExactly("a", "b");

            sinks.apply(List.of(file("b", "warning")));
            assertThat(sinks.names()).containsExactly("b");
            assertThat(a.closes).isPositive();
        }
    }

    @StorageTest
    void aSinkWithABadFilterIsRefusedAndTheRunningOnesStay(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        try (ExportSinks sinks = sinks(audit, test)) {
            sinks.apply(List.of(file("a", null)));
            Sink bad = new Sink(
                    "b",
                    "file",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "/tmp/b",
                    null,
                    null,
                    null,
                    List.of("12x0"),
                    null,
                    null,
                    null,
                    null);
            assertThatThrownBy(() -> sinks.apply(List.of(file("a", null), bad)))
                    .hasMessageContaining("'12x0' is not an id or a range like 1200-1299");
            assertThat(sinks.names()).containsExactly("a");
        }
    }

    private static List<ServerAuditRecord> records(ServerAuditLog audit, EventType type) {
        return audit.list(0, 10_000).stream()
                .filter(r -> r.event().type() == type)
                .toList();
    }
}
