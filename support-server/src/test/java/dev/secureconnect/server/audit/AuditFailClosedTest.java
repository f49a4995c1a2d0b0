package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog.Hold;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import dev.secureconnect.server.storage.Dialect;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log fails closed and loses nothing: a record that must come first is refused when the database cannot
 * commit it; a record of what already happened is held in the fsynced spill file and appended, in order, once the
 * database commits again — also after a restart — and the chain verifies. The database fails by a fault injected at
 * commit (as a full disk fails it), by a lock another connection holds, and by a real full file system (tmpfs).
 */
class AuditFailClosedTest {

    /** How long a write waits for the lock a test holds on purpose (the daemon's default is 15 s). */
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);

    private final MutableClock clock = MutableClock.atNewYear2026();

    @TempDir
    Path temp;

    /** Commits fail as on a full disk while {@code full} is set. */
    private static Database fullWhen(Database database, AtomicBoolean full) {
        return database.withCommitCheck(() -> {
            if (full.get()) {
                throw new SQLException("[SQLITE_FULL] database or disk is full (injected)", "53100");
            }
        });
    }

    private AuditSpill spill(int maxRecords) throws IOException {
        return AuditSpill.open(temp.resolve("run/audit-spill.jsonl"), maxRecords, 1 << 20);
    }

    private static ServerAuditEvent event(EventType type, String session) {
        return ServerAuditEvent.builder(type)
                .actor("alice")
                .appliance("SN-1")
                .session(session)
                .detail("kind", "exec")
                .build();
    }

    private static List<String> names(ServerAuditLog log) {
        return log.list(0, ServerAuditLog.MAX_LIST_LIMIT).stream()
                .map(r -> r.event().type().eventName())
                .toList();
    }

    @StorageTest
    void aRecordThatMustComeFirstIsRefusedWhileTheDatabaseCannotCommitIt(TestDatabase test) throws IOException {
        AtomicBoolean full = new AtomicBoolean();
        ServerAuditLog log = new ServerAuditLog(fullWhen(test.database(), full), clock, spill(100));
        log.append(event(EventType.LOGIN_OK, null));
        full.set(true);

        assertThatThrownBy(() -> log.append(event(EventType.STREAM_OPENED, "s-1")))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("SQLITE_FULL");
        assertThatThrownBy(
                        () -> log.inTransaction(transaction -> transaction.append(event(EventType.TOKEN_ISSUED, null))))
                .isInstanceOf(AuditUnavailableException.class);
        assertThat(log.state().degraded()).isTrue();
        assertThat(log.state().describe()).contains("degraded").contains("SQLITE_FULL");

        full.set(false);
        assertThatThrownBy(() -> log.append(event(EventType.STREAM_OPENED, "s-2")))
                .as("refused at once until the held records are appended")
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("retrying");
        log.appendHeld();
        log.append(event(EventType.STREAM_OPENED, "s-2"));
        assertThat(names(log)).containsExactly("login.ok", "audit.degraded", "audit.recovered", "stream.opened");
        assertThat(log.list(0, 10).get(3).event().sessionId()).isEqualTo("s-2");
        assertThat(log.state().degraded()).isFalse();
        assertThat(log.verify().ok()).isTrue();
    }

    @StorageTest
    void closingRecordsAreHeldOnDiskAndAppendedInOrderOnceTheDatabaseIsBack(TestDatabase test) throws IOException {
        AtomicBoolean full = new AtomicBoolean();
        AuditSpill spill = spill(100);
        ServerAuditLog log = new ServerAuditLog(fullWhen(test.database(), full), clock, spill);
        log.append(event(EventType.STREAM_OPENED, "s-1"));
        full.set(true);

        log.appendOrHold(
                List.of(event(EventType.STREAM_CLOSED, "s-1"), event(EventType.COMMAND_RUN, "s-1")), Hold.ALWAYS);
        log.appendOrHold(List.of(event(EventType.STREAM_REFUSED, "s-2")), Hold.WHILE_ROOM);

        List<String> lines = Files.readAllLines(spill.file());
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("\"event\":\"audit.degraded\"").contains("SQLITE_FULL");
        assertThat(lines.get(1)).contains("\"event\":\"stream.closed\"");
        assertThat(lines.get(2)).contains("\"event\":\"command.run\"");
        assertThat(lines.get(3)).contains("\"event\":\"stream.refused\"");
        assertThat(log.state())
                .extracting(ServerAuditLog.State::degraded, ServerAuditLog.State::held)
                .containsExactly(true, 4);
        assertThat(names(log)).containsExactly("stream.opened");

        full.set(false);
        log.appendHeld();

        assertThat(names(log))
                .containsExactly(
                        "stream.opened",
                        "audit.degraded",
                        "stream.closed",
                        "command.run",
                        "stream.refused",
                        "audit.recovered");
        List<ServerAuditRecord> records = log.list(0, 100);
        assertThat(records.get(2).event().details()).containsKey("spilledAt").containsEntry("kind", "exec");
        assertThat(records.get(2).event().sessionId()).isEqualTo("s-1");
        assertThat(records.get(5).event().details())
                .containsEntry("appended", "4")
                .containsEntry("unrecorded", "0");
        assertThat(Files.readAllLines(spill.file())).isEmpty();
        assertThat(log.state().degraded()).isFalse();
        assertThat(log.verify().ok()).as(log.verify().message()).isTrue();
    }

    @StorageTest
    void aRestartReplaysTheSpillFileInOrderAndACutLastLineIsDropped(TestDatabase test) throws IOException {
        AtomicBoolean full = new AtomicBoolean(true);
        Path file;
        {
            AuditSpill spill = spill(100);
            file = spill.file();
            ServerAuditLog crashed = new ServerAuditLog(fullWhen(test.database(), full), clock, spill);
            for (int i = 1; i <= 5; i++) {
                crashed.appendOrHold(List.of(event(EventType.STREAM_CLOSED, "s-" + i)), Hold.ALWAYS);
            }
        }
        // kill -9 while the sixth line was being written
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            out.write("{\"spilledAt\":\"2026-01-01T00:00:09Z\",\"eventId\":12".getBytes(StandardCharsets.UTF_8));
        }

        ServerAuditLog restarted = new ServerAuditLog(test.database(), clock, spill(100));
        assertThat(restarted.state().held()).isEqualTo(6);
        restarted.appendHeld();

        List<ServerAuditRecord> records = restarted.list(0, 100);
        assertThat(records)
                .extracting(r -> r.event().type().eventName())
                .containsExactly(
                        "audit.degraded",
                        "stream.closed",
                        "stream.closed",
                        "stream.closed",
                        "stream.closed",
                        "stream.closed",
                        "audit.recovered");
        assertThat(records.subList(1, 6))
                .extracting(r -> r.event().sessionId())
                .containsExactly("s-1", "s-2", "s-3", "s-4", "s-5");
        assertThat(Files.size(file)).isZero();
        assertThat(restarted.verify().ok()).isTrue();
    }

    @StorageTest
    void aFullSpillClosesTheSessionsKeepsTheirClosingRecordsAndCountsRefusals(TestDatabase test) throws IOException {
        AtomicBoolean full = new AtomicBoolean(true);
        ServerAuditLog log = new ServerAuditLog(fullWhen(test.database(), full), clock, spill(3));
        AtomicInteger closings = new AtomicInteger();
        log.onSpillFull(() -> {
            closings.incrementAndGet();
            // the sessions being closed write their closing records beyond the bound
            log.appendOrHold(List.of(event(EventType.STREAM_CLOSED, "closed-by-policy")), Hold.ALWAYS);
        });

        log.appendOrHold(List.of(event(EventType.STREAM_CLOSED, "s-1")), Hold.ALWAYS); // + audit.degraded
        assertThat(closings).hasValue(0);
        log.appendOrHold(List.of(event(EventType.COMMAND_RUN, "s-1")), Hold.ALWAYS); // 3: full
        assertThat(closings).hasValue(1);
        assertThat(log.state().full()).isTrue();
        log.appendOrHold(List.of(event(EventType.STREAM_REFUSED, "s-2")), Hold.WHILE_ROOM); // not held, counted
        log.appendOrHold(List.of(event(EventType.STREAM_CLOSED, "s-3")), Hold.ALWAYS); // held beyond the bound
        assertThat(closings).hasValue(1);
        assertThat(log.state().held()).isEqualTo(5);
        assertThat(log.state().unrecorded()).isEqualTo(1);

        full.set(false);
        log.appendHeld();
        List<ServerAuditRecord> records = log.list(0, 100);
        assertThat(records)
                .extracting(r -> r.event().sessionId())
                .containsExactly(null, "s-1", "s-1", "closed-by-policy", "s-3", null);
        assertThat(records.get(5).event().details())
                .containsEntry("appended", "5")
                .containsEntry("unrecorded", "1");
        assertThat(log.state().full()).isFalse();
        assertThat(log.verify().ok()).isTrue();
    }

    /** Another connection holds the database's write lock (SQLite) or the audit head's lock (PostgreSQL). */
    @StorageTest
    void aDatabaseLockedByAnotherConnectionHoldsTheRecordUntilTheLockIsReleased(TestDatabase test) throws Exception {
        AuditSpill spill = spill(100);
        ServerAuditLog log = new ServerAuditLog(test.open(LOCK_TIMEOUT), clock, spill);
        log.append(event(EventType.STREAM_OPENED, "s-1"));
        try (Connection locker = connect(test)) {
            lock(test, locker);
            long started = System.nanoTime();
            log.appendOrHold(List.of(event(EventType.STREAM_CLOSED, "s-1")), Hold.ALWAYS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(40));
            assertThat(log.state().held()).isEqualTo(2);
            assertThat(log.state().error()).containsAnyOf("SQLITE_BUSY", "lock timeout", "locked");
            unlock(test, locker);
        }
        log.appendHeld();
        assertThat(names(log)).containsExactly("stream.opened", "audit.degraded", "stream.closed", "audit.recovered");
        assertThat(log.verify().ok()).isTrue();
    }

    /**
     * The link's records, written in batches, while the database is locked: a record of what already happened
     * ({@code appliance.disconnected}: the link has closed) and a refusal ({@code handshake.refused}) are held and
     * appended once the lock is gone; one that must come first ({@code appliance.connected}) is not, and its change
     * fails (the link is refused).
     */
    @StorageTest
    void linkRecordsThatFollowAreHeldWhileTheDatabaseIsLockedAndOnesThatPrecedeFail(TestDatabase test)
            throws Exception {
        AuditSpill spill = spill(100);
        ServerAuditLog log = new ServerAuditLog(test.open(LOCK_TIMEOUT), clock, spill);
        BatchedRecords records = new BatchedRecords(log, Runnable::run); // each change its own batch, at once
        AtomicReference<RuntimeException> linkRefused = new AtomicReference<>();
        try (Connection locker = connect(test)) {
            lock(test, locker);
            records.submit(new BatchedRecords.Change(
                    connection -> {},
                    List.of(linkEvent(EventType.APPLIANCE_DISCONNECTED)),
                    () -> {},
                    failure -> {},
                    Hold.ALWAYS));
            records.submit(new BatchedRecords.Change(
                    connection -> {},
                    List.of(linkEvent(EventType.APPLIANCE_CONNECTED)),
                    () -> {},
                    linkRefused::set,
                    null));
            records.submit(linkEvent(EventType.HANDSHAKE_REFUSED), Hold.WHILE_ROOM);

            assertThat(linkRefused.get()).isInstanceOf(AuditUnavailableException.class);
            List<String> lines = Files.readAllLines(spill.file());
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).contains("\"event\":\"audit.degraded\"");
            assertThat(lines.get(1)).contains("\"event\":\"appliance.disconnected\"");
            assertThat(lines.get(2)).contains("\"event\":\"handshake.refused\"");
            unlock(test, locker);
        }
        log.appendHeld();
        assertThat(names(log))
                .containsExactly("audit.degraded", "appliance.disconnected", "handshake.refused", "audit.recovered");
        assertThat(log.verify().ok()).isTrue();
    }

    private static ServerAuditEvent linkEvent(EventType type) {
        return ServerAuditEvent.builder(type)
                .appliance("SN-1")
                .source("192.0.2.7:40000")
                .detail("reason", "test")
                .build();
    }

    /** Another connection holds the database's write lock (SQLite) or the audit head's lock (PostgreSQL). */
    private static void lock(TestDatabase test, Connection locker) throws SQLException {
        try (Statement statement = locker.createStatement()) {
            if (test.dialect() == Dialect.SQLITE) {
                statement.execute("BEGIN EXCLUSIVE");
            } else {
                locker.setAutoCommit(false);
                statement.execute("LOCK TABLE audit_head IN EXCLUSIVE MODE");
            }
        }
    }

    private static void unlock(TestDatabase test, Connection locker) throws SQLException {
        if (test.dialect() == Dialect.SQLITE) {
            try (Statement statement = locker.createStatement()) {
                statement.execute("ROLLBACK");
            }
        } else {
            locker.rollback();
        }
    }

    private static Connection connect(TestDatabase test) throws SQLException {
        DatabaseSettings settings = test.settings();
        Properties properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
            properties.setProperty("password", settings.password());
        }
        return DriverManager.getConnection(settings.url(), properties);
    }

    /**
     * A real full file system: the SQLite file on an 8 MiB tmpfs filled up to the last byte (mounting needs root; the
     * test is skipped where mount is not allowed — the injected fault above covers the same path).
     */
    @Test
    void aFullFileSystemHoldsTheRecordsUntilThereIsRoomAgain() throws Exception {
        Path mountPoint = Files.createDirectories(temp.resolve("tmpfs"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true)
                .start();
        boolean mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
        try (Database database = Database.open(DatabaseSettings.sqlite(mountPoint))) {
            ServerAuditLog log = new ServerAuditLog(database, clock, spill(100));
            log.append(event(EventType.STREAM_OPENED, "s-1"));
            Path filler = mountPoint.resolve("filler");
            try (OutputStream out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                for (int i = 0; i < 4096; i++) { // at most 16 MiB: more than the file system holds
                    out.write(block);
                }
            } catch (IOException e) {
                // no space left on the device: the point
            }
            ServerAuditEvent big = ServerAuditEvent.builder(EventType.STREAM_CLOSED)
                    .session("s-1")
                    .detail("reason", "x".repeat(1024 * 1024))
                    .build();
            log.appendOrHold(List.of(big), Hold.ALWAYS);
            assertThatThrownBy(() -> log.append(event(EventType.STREAM_OPENED, "s-2")))
                    .isInstanceOf(AuditUnavailableException.class);
            assertThat(log.state().held()).isEqualTo(2);
            assertThat(log.state().error()).containsAnyOf("SQLITE_FULL", "full", "IOERR");

            Files.delete(filler);
            log.appendHeld();
            assertThat(names(log))
                    .containsExactly("stream.opened", "audit.degraded", "stream.closed", "audit.recovered");
            assertThat(log.verify().ok()).isTrue();
        } finally {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
