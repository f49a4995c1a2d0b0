package dev.secureconnect.appliance.callhome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.config.CallHomeConfig;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.tunnel.link.ServiceEntry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle made with an injected clock and a fake system view (the only fake: the OS's facts); everything else is real
 * — log files, a catalogue command run as a process, a service listening on 127.0.0.1.
 */
class BundleCollectorTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final SystemFacts FACTS = new SystemFacts(
            "TestOS 1.0",
            3600,
            2,
            List.of(0.5, 0.25, 0.1),
            8L << 30,
            2L << 30,
            List.of(SystemFacts.FileSystem.of("/", "ext4", 100, 5)));

    @TempDir
    Path dir;

    @Test
    void aBundleHoldsTheFactsTheChecksTheServicesAndTheRedactedTails() throws Exception {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "started\nconnecting with password=hunter2\nready\n");
        Path link = dir.resolve("link.log");
        Files.createSymbolicLink(link, log);
        CommandCatalogue catalogue = new CommandCatalogue(List.of(
                new CommandEntry("ok", List.of("/bin/echo", "all fine token=abc123"), null, null, false),
                new CommandEntry("broken", List.of("/bin/sh", "-c", "echo degraded; exit 3"), null, null, false),
                new CommandEntry("hangs", List.of("/bin/sleep", "30"), null, null, false)));
        CallHomeConfig config = new CallHomeConfig(
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(
                        new CallHomeConfig.HealthCheck("fine", "ok", 0, null, null),
                        new CallHomeConfig.HealthCheck("raid", "broken", 0, null, null),
                        new CallHomeConfig.HealthCheck("slow", "hangs", 0, Duration.ofMillis(300), null),
                        new CallHomeConfig.HealthCheck("ghost", "missing", 0, null, null)),
                List.of(
                        log.toString(),
                        link.toString(),
                        dir.resolve("absent.log").toString()),
                null,
                null,
                null,
                null);
        BundleCollector collector = new BundleCollector(new BundleCollector.Sources(
                "SN-1",
                new Bundle.Product("sc-appliance", "1.2.3", "17"),
                Clock.fixed(NOW, ZoneOffset.UTC),
                () -> FACTS,
                events -> new Bundle.LinkReport(false, "disabled", null, null, List.of()),
                () -> catalogue,
                () -> ID));

        Bundle bundle;
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int closedPort = closed.getLocalPort();
            closed.close();
            bundle = collector.collect(
                    config,
                    List.of(new ServiceEntry("web", service.getLocalPort()), new ServiceEntry("down", closedPort)),
                    "admin",
                    new Bundle.SpoolReport(2, List.of("a", "b")));
        }

        assertThat(bundle.id()).isEqualTo(ID.toString());
        assertThat(bundle.createdAt()).isEqualTo("2026-12-07T12:00:00Z");
        assertThat(bundle.system()).isEqualTo(FACTS);
        assertThat(bundle.services())
                .extracting(Bundle.Service::name, Bundle.Service::accepting)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("web", true),
                        org.assertj.core.groups.Tuple.tuple("down", false));
        assertThat(bundle.healthChecks())
                .extracting(HealthChecks.Result::healthy)
                .containsExactly(true, false, false, false);
        HealthChecks.Result raid = bundle.healthChecks().get(1);
        assertThat(raid.exitStatus()).isEqualTo(3);
        assertThat(raid.output()).isEqualTo("degraded\n");
        HealthChecks.Result slow = bundle.healthChecks().get(2);
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.durationMs()).isLessThan(10_000);
        assertThat(bundle.healthChecks().get(3).error()).contains("no command named 'missing'");
        assertThat(bundle.healthChecks().get(0).output()).doesNotContain("abc123");
        assertThat(bundle.logs().get(0).tail()).contains("ready").doesNotContain("hunter2");
        assertThat(bundle.logs().get(1).error()).contains("symbolic link");
        assertThat(bundle.logs().get(1).tail()).isNull();
        assertThat(bundle.logs().get(2).error()).startsWith("cannot read");
        assertThat(bundle.redactions().byRule()).containsEntry("password", 2);
        assertThat(bundle.spool().dropped()).isEqualTo(2);
    }

    @Test
    void tailsAreBoundedPerFileAndPerBundleAndStartAtALine() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            lines.append("line ").append(i).append('\n');
        }
        Files.writeString(first, lines);
        Files.writeString(second, lines);
        Redaction.Counts counts = new Redaction.Counts();

        List<LogTails.Tail> tails = LogTails.read(
                List.of(first.toString(), second.toString()), 1000, 1500, Redaction.of(List.of()), counts);

        String tail = tails.get(0).tail();
        assertThat(tail).isNotNull().endsWith("line 1999\n").startsWith("line ");
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1000);
        assertThat(tails.get(0).truncated()).isTrue();
        int together = tails.stream()
                .map(LogTails.Tail::tail)
                .mapToInt(t -> t == null ? 0 : t.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        assertThat(together).isLessThanOrEqualTo(1500);
    }

    @Test
    void aHealthCheckThatFloodsIsKilledAtItsCap() throws Exception {
        CommandCatalogue catalogue =
                new CommandCatalogue(List.of(new CommandEntry("flood", List.of("/usr/bin/yes"), null, null, false)));

        List<HealthChecks.Result> results = HealthChecks.run(
                List.of(new CallHomeConfig.HealthCheck("flood", "flood", 0, Duration.ofSeconds(20), 1024)),
                catalogue,
                Redaction.of(List.of()),
                new Redaction.Counts());

        assertThat(results.get(0).truncated()).isTrue();
        assertThat(results.get(0).healthy()).isFalse();
        assertThat(results.get(0).output()).hasSizeLessThanOrEqualTo(1024);
        assertThat(results.get(0).durationMs()).isLessThan(15_000);
    }
}
