package dev.secureconnect.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.server.storage.Dialect;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while records are held: a process whose database is locked by this test spills closed streams; it is
 * killed in the middle, the lock is released, and a new log on the same spill file appends every record the process
 * had acknowledged, in order, and the chain verifies.
 */
class AuditSpillKillTest {

    private static final int ACKNOWLEDGED_BEFORE_KILL = 20;

    @TempDir
    Path temp;

    @StorageTest
    void recordsHeldByAKilledProcessAreAppendedInOrderAtTheNextStart(TestDatabase test) throws Exception {
        test.database(); // migrated before the lock
        Path spillFile = temp.resolve("run/audit-spill.jsonl");
        Properties credentials = new Properties();
        if (test.settings().user() != null) {
            credentials.setProperty("user", test.settings().user());
            credentials.setProperty("password", test.settings().password());
        }
        int lastHeld = -1;
        try (Connection locker = DriverManager.getConnection(test.settings().url(), credentials);
                Statement statement = locker.createStatement()) {
            if (test.dialect() == Dialect.SQLITE) {
                statement.execute("BEGIN EXCLUSIVE");
            } else {
                locker.setAutoCommit(false);
                statement.execute("LOCK TABLE audit_head IN EXCLUSIVE MODE");
            }
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            SpillingProcess.class.getName(),
                            test.settings().url(),
                            test.settings().user() == null
                                    ? ""
                                    : test.settings().user(),
                            test.settings().password() == null
                                    ? ""
                                    : test.settings().password(),
                            spillFile.toString())
                    .redirectErrorStream(true)
                    .start();
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
            if (test.dialect() == Dialect.SQLITE) {
                statement.execute("ROLLBACK");
            } else {
                locker.rollback();
            }
        }
        assertThat(lastHeld).isEqualTo(ACKNOWLEDGED_BEFORE_KILL);

        AuditSpill spill = AuditSpill.open(spillFile, 100_000, 1L << 30);
        int held = spill.size();
        ServerAuditLog log = new ServerAuditLog(test.database(), Clock.systemUTC(), spill);
        log.appendHeld();

        List<ServerAuditRecord> records = log.list(0, ServerAuditLog.MAX_LIST_LIMIT);
        assertThat(records).hasSize(held + 1);
        assertThat(records.get(0).event().type().eventName()).isEqualTo("audit.degraded");
        assertThat(records.get(records.size() - 1).event().type().eventName()).isEqualTo("audit.recovered");
        List<String> sessions = records.subList(1, records.size() - 1).stream()
                .map(r -> r.event().sessionId())
                .toList();
        assertThat(sessions.size()).isGreaterThan(ACKNOWLEDGED_BEFORE_KILL);
        for (int i = 0; i < sessions.size(); i++) {
            assertThat(sessions.get(i)).isEqualTo("s-" + i);
        }
        assertThat(log.verify().ok()).isTrue();
        assertThat(spill.isEmpty()).isTrue();
    }
}
