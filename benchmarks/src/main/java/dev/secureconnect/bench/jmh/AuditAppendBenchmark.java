package dev.secureconnect.bench.jmh;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: durable appends to the server's hash-chained audit log, {@link ServerAuditLog#append}, on a SQLite file opened by
 * the server's own {@link Database} (Flyway schema, HikariCP pool, WAL, {@code synchronous=FULL}): each append has
 * returned only once its record is committed to disk. Only ServerAuditLog's public API is used, so whatever batching
 * (group commit) ServerAuditLog does inside counts.
 *
 * <p>The file is in a new folder under {@code java.io.tmpdir} (set {@code -Djava.io.tmpdir} in the JMH options'
 * {@code -jvmArgsAppend} to measure another disk). Scores in appends per second, one thread and eight threads at once.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@SuppressWarnings("NullAway.Init") // JMH sets the fields in @Setup and @Param before any benchmark method
public class AuditAppendBenchmark {

    private Path folder;
    private Database database;
    private ServerAuditLog audit;
    private ServerAuditEvent event;

    @Setup(Level.Trial)
    public void setUp() {
        folder = BenchmarkPki.newFolder("audit");
        database = Database.open(DatabaseSettings.sqlite(folder));
        audit = new ServerAuditLog(database, Clock.systemUTC());
        event = ServerAuditEvent.builder(EventType.STREAM_OPENED)
                .actor("bench-alice")
                .appliance("SN-BENCH-1")
                .ticket("12345678")
                .session("3f1c2a9e-bench-session")
                .source("127.0.0.1:50123")
                .detail("target", "127.0.0.1:22")
                .detail("kind", "connect")
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (database != null) {
            database.close();
        }
        BenchmarkPki.deleteTree(folder);
    }

    /** One appender. */
    @Benchmark
    public ServerAuditRecord appendOneThread() {
        return audit.append(event);
    }

    /** Eight appenders at once, as a busy server's event loops and workers append. */
    @Benchmark
    @Threads(8)
    public ServerAuditRecord appendEightThreads() {
        return audit.append(event);
    }
}
