package dev.secureconnect.appliance.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appliance's audit log: chained appends, listing, and {@code audit verify} catching every kind of tampering. */
class ApplianceAuditLogTest {

    @TempDir
    Path work;

    private Path dir;
    private ApplianceAuditLog log;

    @BeforeEach
    void appliance() {
        dir = work.resolve("appliance");
        ApplianceCli.ok(PkiFiles.appliance(work.resolve("issued"), "SN-AUDIT-1").initArgs(dir, "a.example:1"));
        log = new ApplianceAuditLog(ApplianceDirectory.open(dir), Clock.systemUTC());
        log.append(
                ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "alice").build());
        log.append(ApplianceAuditEvent.of(EventType.TICKET_CONNECTED, "alice")
                .ticket("12345678")
                .build());
        log.append(ApplianceAuditEvent.of(EventType.STREAM_REFUSED, "server")
                .ticket("12345678")
                .session("s-1")
                .target("10.0.0.1:22")
                .refused("host 10.0.0.1 is not this appliance's loopback address")
                .build());
        log.append(ApplianceAuditEvent.of(EventType.STREAM_CLOSED, "server")
                .ticket("12345678")
                .session("s-2")
                .target("127.0.0.1:22")
                .reason("both sides ended")
                .bytes(100, 2000)
                .build());
    }

    @Test
    void recordsAreNumberedChainedAndPrivate() throws IOException {
        List<ApplianceAuditRecord> records = log.records();
        assertThat(records).extracting(ApplianceAuditRecord::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(records.get(0).prevHash()).isEqualTo(HashChain.GENESIS);
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).prevHash()).isEqualTo(records.get(i - 1).hash());
        }
        ApplianceAuditRecord refused = records.get(2);
        assertThat(refused.eventId()).isEqualTo(1201);
        assertThat(refused.event()).isEqualTo("stream.refused");
        assertThat(refused.outcome()).isEqualTo("refused");
        assertThat(refused.target()).isEqualTo("10.0.0.1:22");
        assertThat(records.get(3).bytesToService()).isEqualTo(100);
        assertThat(records.get(3).bytesFromService()).isEqualTo(2000);
        assertThat(log.verify()).isEqualTo(4);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit.log"))))
                .isEqualTo("rw-------");
        assertThat(Files.readAllLines(dir.resolve("audit.log")))
                .hasSize(4)
                .allMatch(line -> line.startsWith("{\"seq\":"));
    }

    @Test
    void anEditedLineIsFound() throws IOException {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("10.0.0.1:22", "127.0.0.1:22"));
        write(lines);
        assertVerifyFails("audit log line 3 (seq 3) was edited: its hash does not match its content");
    }

    @Test
    void anEditedLineWithARecomputedHashBreaksTheNextLink() throws IOException {
        List<String> lines = lines();
        ApplianceAuditRecord third = log.records().get(2);
        ApplianceAuditRecord forged = new ApplianceAuditRecord(
                third.seq(),
                third.time(),
                third.eventId(),
                third.event(),
                third.actor(),
                third.ticket(),
                third.session(),
                "127.0.0.1:22",
                third.outcome(),
                third.reason(),
                null,
                null,
                null,
                third.prevHash(),
                null);
        String hash = HashChain.link(third.prevHash(), ApplianceAuditLog.canonical(forged.body()));
        lines.set(
                2,
                dev.secureconnect.appliance.internal.Json.line(new ApplianceAuditRecord(
                        forged.seq(),
                        forged.time(),
                        forged.eventId(),
                        forged.event(),
                        forged.actor(),
                        forged.ticket(),
                        forged.session(),
                        forged.target(),
                        forged.outcome(),
                        forged.reason(),
                        null,
                        null,
                        null,
                        forged.prevHash(),
                        hash)));
        write(lines);
        assertVerifyFails("audit log line 4 (seq 4) does not chain to the line before it");
    }

    @Test
    void aRemovedLineIsFound() throws IOException {
        List<String> lines = lines();
        lines.remove(1);
        write(lines);
        assertVerifyFails("audit log line 2 has seq 3 where 2 was expected: a line was removed or reordered");
    }

    @Test
    void reorderedLinesAreFound() throws IOException {
        List<String> lines = lines();
        Collections.swap(lines, 1, 2);
        write(lines);
        assertVerifyFails("audit log line 2 has seq 3 where 2 was expected");
    }

    @Test
    void linesCutOffTheEndAreFound() throws IOException {
        List<String> lines = lines();
        write(lines.subList(0, 2));
        assertVerifyFails(
                "audit log ends at seq 2 but audit.head records seq 4 as its last line: lines were removed from"
                        + " the end");
    }

    @Test
    void aGarbledLineIsFound() throws IOException {
        List<String> lines = lines();
        lines.set(0, lines.get(0).substring(0, 30));
        write(lines);
        assertVerifyFails("audit log line 1 is not a valid record");
    }

    @Test
    void verifyAndListThroughTheCommandLine() throws IOException {
        ApplianceCli.Result ok = ApplianceCli.ok("audit", "verify", "--dir", dir.toString());
        assertThat(ok.out())
                .isEqualTo("audit log " + dir.toAbsolutePath() + "/audit.log is intact: 4 records, hash chain"
                        + " verified\n");
        ApplianceCli.Result listing = ApplianceCli.ok("audit", "--dir", dir.toString());
        assertThat(listing.out())
                .contains("stream.refused (1201)", "10.0.0.1:22", "100 bytes to the service, 2000 bytes back");
        ApplianceCli.Result json = ApplianceCli.ok("audit", "--dir", dir.toString(), "--json");
        assertThat(json.out()).contains("\"event\" : \"stream.closed\"", "\"bytesFromService\" : 2000");

        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("12345678", "87654321"));
        write(lines);
        ApplianceCli.Result tampered = ApplianceCli.run("audit", "verify", "--dir", dir.toString());
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.out()).isEmpty();
        assertThat(tampered.error())
                .isEqualTo("audit log line 2 (seq 2) was edited: its hash does not match its content");
    }

    @Test
    void appendsFromManyThreadsStayChained() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String session = "s-" + i;
                writes.add(pool.submit(() -> log.append(ApplianceAuditEvent.of(EventType.STREAM_OPENED, "server")
                        .session(session)
                        .build())));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.verify()).isEqualTo(204);
    }

    @Test
    void aDamagedLastLineStopsFurtherAppends() throws IOException {
        List<String> lines = lines();
        lines.set(3, "garbage");
        write(lines);
        assertThatThrownBy(() -> log.append(ApplianceAuditEvent.of(EventType.SECURECONNECT_DISABLED, "alice")
                        .build()))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("is damaged: run 'sc-appliance audit verify");
    }

    private void assertVerifyFails(String message) {
        assertThatThrownBy(log::verify).isInstanceOf(ApplianceException.class).hasMessageStartingWith(message);
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(dir.resolve("audit.log"), StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        Files.write(dir.resolve("audit.log"), lines, StandardCharsets.UTF_8);
    }
}
