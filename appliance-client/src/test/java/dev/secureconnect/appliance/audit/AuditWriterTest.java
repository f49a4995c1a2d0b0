package dev.secureconnect.appliance.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.PkiFiles;
import dev.secureconnect.tunnel.retry.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's writer thread: group commit, fail-closed opening records, retried closing records, the backlog. */
class AuditWriterTest {

    @TempDir
    Path work;

    private Path dir;
    private ApplianceAuditLog log;

    @BeforeEach
    void appliance() {
        dir = work.resolve("appliance");
        ApplianceCli.ok(PkiFiles.appliance(work.resolve("issued"), "SN-AUDIT-2").initArgs(dir, "a.example:1"));
        log = new ApplianceAuditLog(
                ApplianceDirectory.open(dir),
                Clock.systemUTC(),
                3,
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    @AfterEach
    void close() {
        log.close(Duration.ofSeconds(5));
    }

    @Test
    void submittedRecordsAreDurableInOrderWhenTheirFuturesComplete() throws Exception {
        List<CompletableFuture<ApplianceAuditRecord>> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ApplianceAuditEvent event = ApplianceAuditEvent.of(EventType.STREAM_OPENED, "server")
                    .session("s-" + i)
                    .build();
            written.add(i % 2 == 0 ? log.submit(event) : log.submitRetried(event));
        }
        for (int i = 0; i < written.size(); i++) {
            ApplianceAuditRecord record = written.get(i).get(10, TimeUnit.SECONDS);
            assertThat(record.seq()).isEqualTo(i + 1);
            assertThat(record.session()).isEqualTo("s-" + i);
        }
        assertThat(log.verify()).isEqualTo(300);
        assertThat(Files.readString(dir.resolve("audit.head"))).contains("\"seq\":300");
    }

    @Test
    void anOpeningRecordFailsAtOnceWhileAClosingRecordWaitsUntilTheLogIsBack() throws Exception {
        log.append(
                ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "alice").build());
        Path file = dir.resolve("audit.log");
        Path aside = work.resolve("audit.log.aside");
        Files.move(file, aside);
        Files.createDirectory(file); // root ignores file modes: a folder in its place cannot be appended to

        CompletableFuture<ApplianceAuditRecord> closing =
                log.submitRetried(ApplianceAuditEvent.of(EventType.STREAM_CLOSED, "server")
                        .session("s-1")
                        .build());
        CompletableFuture<ApplianceAuditRecord> opening =
                log.submit(ApplianceAuditEvent.of(EventType.STREAM_OPENED, "server")
                        .session("s-2")
                        .build());
        assertThatThrownBy(() -> opening.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("audit log");
        assertThat(closing).isNotDone();
        assertThat(log.backlog()).isEqualTo(1);

        Files.delete(file);
        Files.move(aside, file);
        // the outage is on the record: audit.degraded before the held record, audit.recovered after it
        assertThat(closing.get(10, TimeUnit.SECONDS).seq()).isEqualTo(3);
        assertThat(log.records())
                .extracting(ApplianceAuditRecord::event)
                .containsExactly(
                        EventType.SECURECONNECT_ENABLED.eventName(),
                        "audit.degraded",
                        "stream.closed",
                        "audit.recovered");
        assertThat(log.verify()).isEqualTo(4);
    }

    @Test
    void aBacklogPastItsLimitRunsTheActionOnce() throws Exception {
        CountDownLatch full = new CountDownLatch(1);
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        log.whenBacklogFull(() -> {
            calls.add("full");
            full.countDown();
        });
        Path file = dir.resolve("audit.log");
        Files.createDirectory(file);
        List<CompletableFuture<ApplianceAuditRecord>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(log.submitRetried(ApplianceAuditEvent.of(EventType.STREAM_CLOSED, "server")
                    .session("s-" + i)
                    .build()));
        }
        assertThat(full.await(10, TimeUnit.SECONDS)).isTrue();
        Files.delete(file);
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(calls).containsExactly("full");
        assertThat(log.verify()).isEqualTo(5 + 2); // with audit.degraded and audit.recovered
    }
}
