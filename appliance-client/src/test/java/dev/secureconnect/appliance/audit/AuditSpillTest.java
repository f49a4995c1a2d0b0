package dev.secureconnect.appliance.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import dev.secureconnect.tunnel.retry.Backoff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's spill file: while {@code audit.log} cannot be written the records that follow an action are held
 * in {@code run/audit-spill.jsonl} and appended in order, between {@code audit.degraded} and {@code audit.recovered},
 * once it can — on a real full file system, after a kill -9 of the process that held them, and never twice after a
 * crash between appending them and cutting them from the file.
 */
class AuditSpillTest {

    private static final int ACKNOWLEDGED_BEFORE_KILL = 20;
    private static final Backoff FAST = new Backoff(Duration.ofMillis(5), Duration.ofMillis(50));

    @TempDir
    Path work;

    private Path dir;
    private ApplianceDirectory directory;

    @BeforeEach
    void appliance() {
        dir = work.resolve("appliance");
        ApplianceCli.ok(PkiFiles.appliance(work.resolve("issued"), "SN-SPILL-1").initArgs(dir, "a.example:1"));
        directory = ApplianceDirectory.open(dir);
    }

    /**
     * A real full file system: audit.log on a 1 MiB tmpfs filled to the last byte, the spill file beside the rest of
     * the directory (mounting needs root; skipped where mount is not allowed — the folder in place of the log in
     * {@link AuditWriterTest} covers the same path).
     */
    @Test
    void aFullFileSystemHoldsTheRecordsInTheSpillFileUntilThereIsRoomAgain() throws Exception {
        Path mountPoint = Files.createDirectories(work.resolve("tmpfs"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true)
                .start();
        boolean mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
        ApplianceAuditLog log = new ApplianceAuditLog(directory, Clock.systemUTC(), 100, FAST);
        try {
            log.append(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "alice")
                    .build());
            Files.move(directory.auditFile(), mountPoint.resolve("audit.log"));
            Files.createSymbolicLink(directory.auditFile(), mountPoint.resolve("audit.log"));
            Path filler = mountPoint.resolve("filler");
            try (OutputStream out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                for (int i = 0; i < 1024; i++) { // 4 MiB: more than the file system holds
                    out.write(block);
                }
            } catch (IOException e) {
                // no space left on the device: the point
            }
            // larger than the room left in the log's last page
            List<String> arguments = Collections.nCopies(100, "x".repeat(100));
            CompletableFuture<ApplianceAuditRecord> closed =
                    log.submitRetried(ApplianceAuditEvent.of(EventType.COMMAND_RUN, "server")
                            .session("s-1")
                            .detail("arguments", arguments)
                            .build());
            List<ApplianceAuditLog.HeldRecord> held = Eventually.await(
                    "the record held in the spill file", () -> ApplianceAuditLog.held(directory), h -> h.size() == 2);
            assertThat(held)
                    .extracting(ApplianceAuditLog.HeldRecord::event)
                    .containsExactly("audit.degraded", "command.run");
            assertThat(closed).isNotDone();

            Files.delete(filler);
            assertThat(closed.get(20, TimeUnit.SECONDS).details())
                    .containsKeys(AuditSpill.SPILLED_AT, AuditSpill.SPILL_ID);
            assertThat(log.records())
                    .extracting(ApplianceAuditRecord::event)
                    .containsExactly("secureconnect.enabled", "audit.degraded", "command.run", "audit.recovered");
            assertThat(log.records().get(3).details()).containsEntry("appended", 2);
            Eventually.await("the spill file cut", () -> ApplianceAuditLog.held(directory), List::isEmpty);
            assertThat(log.verify()).isEqualTo(4);
        } finally {
            log.close(Duration.ofSeconds(5));
            new ProcessBuilder("umount", "-l", mountPoint.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void recordsHeldByAKilledProcessAreAppendedOnceInOrderAtTheNextStart() throws Exception {
        Path aside = work.resolve("audit.log.aside");
        ApplianceAuditLog admin = new ApplianceAuditLog(directory, Clock.systemUTC());
        admin.append(
                ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "alice").build());
        Files.move(directory.auditFile(), aside);
        Files.createDirectory(directory.auditFile()); // root ignores file modes: a folder cannot be appended to

        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
                        SpillingAppliance.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        int lastHeld = -1;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            String line;
            int lines = 0;
            while (lastHeld < ACKNOWLEDGED_BEFORE_KILL && lines++ < 10_000 && (line = output.readLine()) != null) {
                if (line.startsWith("HELD ")) {
                    lastHeld = Integer.parseInt(line.substring(5));
                }
            }
            child.destroyForcibly(); // SIGKILL, while it keeps spilling
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastHeld).isEqualTo(ACKNOWLEDGED_BEFORE_KILL);
        int held = ApplianceAuditLog.held(directory).size();
        assertThat(held).isGreaterThan(ACKNOWLEDGED_BEFORE_KILL + 1);
        ApplianceCli.Result degraded = ApplianceCli.run("audit", "status", "--dir", dir.toString());
        assertThat(degraded.exitCode()).isEqualTo(1);
        assertThat(degraded.out()).startsWith("audit: degraded: " + held + " record(s) held in ");

        Files.delete(directory.auditFile());
        Files.move(aside, directory.auditFile());
        ApplianceAuditLog restarted =
                ApplianceAuditLog.open(directory, Clock.systemUTC(), ApplianceConfig.Audit.DEFAULT);
        try {
            Eventually.await(
                    "the held records appended at start", () -> ApplianceAuditLog.held(directory), List::isEmpty);
        } finally {
            restarted.close(Duration.ofSeconds(5));
        }
        List<ApplianceAuditRecord> records = admin.records();
        assertThat(records).hasSize(1 + held + 1);
        assertThat(records.get(1).event()).isEqualTo("audit.degraded");
        assertThat(records.get(records.size() - 1).event()).isEqualTo("audit.recovered");
        List<String> sessions = new ArrayList<>();
        records.subList(2, records.size() - 1).forEach(r -> sessions.add(r.session()));
        for (int i = 0; i < sessions.size(); i++) {
            assertThat(sessions.get(i)).isEqualTo("s-" + i);
        }
        assertThat(ApplianceCli.ok("audit", "verify", "--dir", dir.toString()).out())
                .contains("is intact");
        assertThat(ApplianceCli.ok("audit", "status", "--dir", dir.toString()).out())
                .isEqualTo("audit: ok\n");
    }

    /** A crash after the held records were appended but before they were cut from the spill file. */
    @Test
    void heldRecordsAlreadyAppendedBeforeACrashAreNotAppendedTwice() throws Exception {
        ApplianceAuditLog log = new ApplianceAuditLog(directory, Clock.systemUTC(), 100, FAST);
        Path spillCopy = work.resolve("spill.copy");
        try {
            Path aside = work.resolve("audit.log.aside");
            log.append(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "alice")
                    .build());
            Files.move(directory.auditFile(), aside);
            Files.createDirectory(directory.auditFile());
            List<CompletableFuture<ApplianceAuditRecord>> closed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                closed.add(log.submitRetried(ApplianceAuditEvent.of(EventType.STREAM_CLOSED, "server")
                        .session("s-" + i)
                        .build()));
            }
            Eventually.await("three records held", () -> ApplianceAuditLog.held(directory), h -> h.size() == 4);
            Files.copy(directory.auditSpillFile(), spillCopy);
            Files.delete(directory.auditFile());
            Files.move(aside, directory.auditFile());
            CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } finally {
            log.close(Duration.ofSeconds(5));
        }
        int appended = log.records().size();
        assertThat(appended).isEqualTo(1 + 4 + 1);
        // the file as a crash just before the cut would have left it
        Files.copy(spillCopy, directory.auditSpillFile(), StandardCopyOption.REPLACE_EXISTING);

        ApplianceAuditLog restarted =
                ApplianceAuditLog.open(directory, Clock.systemUTC(), ApplianceConfig.Audit.DEFAULT);
        try {
            Eventually.await("the spill file checked", () -> ApplianceAuditLog.held(directory), List::isEmpty);
            restarted
                    .submit(ApplianceAuditEvent.of(EventType.SECURECONNECT_DISABLED, "alice")
                            .build())
                    .get(20, TimeUnit.SECONDS);
        } finally {
            restarted.close(Duration.ofSeconds(5));
        }
        assertThat(log.records())
                .extracting(ApplianceAuditRecord::event)
                .containsExactly(
                        "secureconnect.enabled",
                        "audit.degraded",
                        "stream.closed",
                        "stream.closed",
                        "stream.closed",
                        "audit.recovered",
                        "secureconnect.disabled");
        assertThat(log.verify()).isEqualTo(7);
    }
}
