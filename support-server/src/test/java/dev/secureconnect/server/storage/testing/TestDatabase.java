package dev.secureconnect.server.storage.testing;

import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import dev.secureconnect.server.storage.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The database of one {@link StorageTest} run: a fresh SQLite file or a fresh PostgreSQL database, plus the
 * {@link Database} pools the test opened on it, all removed after the test.
 */
public final class TestDatabase implements ExtensionContext.Store.CloseableResource {

    private final Dialect dialect;
    private final DatabaseSettings settings;
    private final Path sqliteDirectory;
    private final PostgresServer postgres;
    private final List<Database> opened = new ArrayList<>();
    private Database database;

    private TestDatabase(Dialect dialect, DatabaseSettings settings, Path sqliteDirectory, PostgresServer postgres) {
        this.dialect = dialect;
        this.settings = settings;
        this.sqliteDirectory = sqliteDirectory;
        this.postgres = postgres;
    }

    static TestDatabase sqlite() {
        try {
            Path directory = Files.createTempDirectory("secureconnect-sqlite-");
            return new TestDatabase(Dialect.SQLITE, DatabaseSettings.sqlite(directory), directory, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory: " + e, e);
        }
    }

    static TestDatabase postgresql(PostgresServer server) {
        return new TestDatabase(Dialect.POSTGRESQL, DatabaseSettings.of(server.createDatabase()), null, server);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** How to reach this test's database. */
    public DatabaseSettings settings() {
        return settings;
    }

    /** The SQLite file's directory (the server directory), or null on PostgreSQL. */
    public Path sqliteDirectory() {
        return sqliteDirectory;
    }

    /** The test's database, opened (and migrated) on first use. */
    public synchronized Database database() {
        if (database == null) {
            database = open();
        }
        return database;
    }

    /** Another pool on the same database, as a second process would open it. */
    public synchronized Database open() {
        return open(settings);
    }

    /**
     * Another pool on the same database whose writes wait at most {@code lockTimeout} for a lock held elsewhere: for
     * tests that hold a lock on purpose and need not wait the default 15 s each time.
     */
    public synchronized Database open(Duration lockTimeout) {
        return open(settings.withLockTimeout(lockTimeout));
    }

    private Database open(DatabaseSettings with) {
        Database opening = Database.open(with);
        opened.add(opening);
        return opening;
    }

    /**
     * Runs SQL as someone with direct write access to the database would, past the server: the audit log's
     * append-only triggers are dropped first.
     */
    public void tamper(String... statements) {
        List<String> all = new ArrayList<>(
                dialect == Dialect.SQLITE
                        ? List.of(
                                "DROP TRIGGER IF EXISTS audit_log_no_update",
                                "DROP TRIGGER IF EXISTS audit_log_no_delete")
                        : List.of(
                                "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
                                "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"));
        all.addAll(List.of(statements));
        try (Connection connection = DriverManager.getConnection(settings.url());
                Statement statement = connection.createStatement()) {
            for (String sql : all) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tampering failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        opened.forEach(Database::close);
        if (postgres != null) {
            postgres.dropDatabase(settings.url());
        }
        if (sqliteDirectory != null) {
            try (Stream<Path> files = Files.walk(sqliteDirectory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    @Override
    public String toString() {
        return dialect.name().toLowerCase(java.util.Locale.ROOT);
    }
}
