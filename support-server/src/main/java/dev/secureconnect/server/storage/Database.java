package dev.secureconnect.server.storage;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The server's database: a connection pool with the schema migrated to the version this build expects.
 *
 * <p>{@link #open} runs the Flyway migrations in {@code db/migration/common} and the product's own folder
 * ({@code db/migration/sqlite} or {@code db/migration/postgresql}). SQLite connections use WAL,
 * {@code synchronous=FULL} (a committed transaction is on disk), foreign keys, and a busy timeout of
 * {@link DatabaseSettings#lockTimeout} (15 s unless configured), because the daemon and the {@code sc-server} admin
 * commands use the same file at the same time.
 *
 * <p>Write transactions on SQLite should start with a write statement (an {@code UPDATE} or {@code INSERT}): the
 * first write takes the database's write lock and waits for it up to the busy timeout, whereas a transaction that
 * reads first and writes later fails at once if another process wrote in between.
 *
 * <p>Thread-safe; one instance per process, closed at shutdown.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String POOL_NAME = "secureconnect-db";
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Run just before each commit of {@link #inTransaction}; may fail it. */
    @FunctionalInterface
    public interface CommitCheck {
        void beforeCommit() throws SQLException;
    }

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final String redactedUrl;
    private final CommitCheck commitCheck;
    private final Duration lockTimeout;

    private Database(
            HikariDataSource pool, Dialect dialect, String redactedUrl, CommitCheck commitCheck, Duration lockTimeout) {
        this.pool = pool;
        this.dialect = dialect;
        this.redactedUrl = redactedUrl;
        this.commitCheck = commitCheck;
        this.lockTimeout = lockTimeout;
    }

    /**
     * This database's pool, with {@code check} run before every commit of {@link #inTransaction}: for fault-injection
     * tests (a commit failing as on a full disk, {@code SQLITE_FULL}), on a real database. Shares the pool: closing
     * either closes it.
     */
    public Database withCommitCheck(CommitCheck check) {
        return new Database(pool, dialect, redactedUrl, requireNonNull(check, "check"), lockTimeout);
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @throws StorageException a one-line reason naming the URL (without its password) if the URL is not supported,
     *     the database cannot be reached or a migration fails
     */
    public static Database open(DatabaseSettings settings) {
        requireNonNull(settings, "settings");
        String redactedUrl = settings.redactedUrl();
        Dialect dialect = Dialect.of(settings.url());
        HikariDataSource pool = null;
        try {
            HikariConfig config = new HikariConfig();
            config.setPoolName(POOL_NAME);
            config.setMaximumPoolSize(settings.maximumPoolSize());
            config.setMinimumIdle(Math.min(2, settings.maximumPoolSize()));
            config.setInitializationFailTimeout(1);
            if (dialect == Dialect.SQLITE) {
                prepareSqliteFile(settings.url(), redactedUrl);
                config.setDataSource(sqliteDataSource(settings.url(), settings.lockTimeout()));
            } else {
                config.setDriverClassName("org.postgresql.Driver");
                config.setJdbcUrl(settings.url());
                config.setUsername(settings.user());
                config.setPassword(settings.password());
            }
            pool = new HikariDataSource(config);
            MigrateResult result = Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration/common", dialect.migrationLocation())
                    .load()
                    .migrate();
            LOG.info(
                    "database {} ready: schema version {}, {} migration(s) applied now",
                    redactedUrl,
                    result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                    result.migrationsExecuted);
            return new Database(pool, dialect, redactedUrl, () -> {}, settings.lockTimeout());
        } catch (StorageException e) {
            closeQuietly(pool);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(pool);
            throw new StorageException("cannot open database " + redactedUrl + ": " + describe(e), e);
        }
    }

    /** How long a write waits for a lock another connection or process holds before it fails. */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /** The database product behind the pool. */
    public Dialect dialect() {
        return dialect;
    }

    /** The JDBC URL without its password. */
    public String url() {
        return redactedUrl;
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. An unchecked
     * exception from {@code work} is rethrown as it is (after the rollback).
     *
     * @throws StorageException if the database fails (the {@link SQLException} is the cause)
     */
    public <T> T inTransaction(SqlWork<T> work) {
        requireNonNull(work, "work");
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.run(connection);
                commitCheck.beforeCommit();
                connection.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
            return result;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Runs {@code work} with a connection in auto-commit mode: for reads, and for writes that are one statement.
     *
     * @throws StorageException if the database fails (the {@link SQLException} is the cause)
     */
    public <T> T withConnection(SqlWork<T> work) {
        requireNonNull(work, "work");
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Reports the connection pool's use (HikariCP's {@code hikaricp_*} meters) in {@code registry}; once. */
    public void measuredBy(io.micrometer.core.instrument.MeterRegistry registry) {
        pool.setMetricsTrackerFactory(
                new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
    }

    /** Closes every connection of the pool. */
    @Override
    public void close() {
        if (!pool.isClosed()) {
            pool.close();
            LOG.info("database {} closed", redactedUrl);
        }
    }

    @Override
    public String toString() {
        return "Database[" + redactedUrl + "]";
    }

    private StorageException failure(SQLException e) {
        return new StorageException("database " + redactedUrl + ": " + describe(e), e);
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static SQLiteDataSource sqliteDataSource(String url, Duration busyTimeout) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout((int) busyTimeout.toMillis());
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        return dataSource;
    }

    /**
     * Refuses a file in a missing directory with a clear message, and creates a new database file readable by its
     * owner only (SQLite gives its {@code -wal} and {@code -shm} files the same permissions).
     */
    private static void prepareSqliteFile(String url, String redactedUrl) {
        String name = url.substring(Dialect.SQLITE.urlPrefix().length());
        if (name.isEmpty() || name.startsWith(":") || name.startsWith("file:") || name.contains("?")) {
            return; // in-memory or URI form: left to the driver
        }
        Path file;
        try {
            file = Path.of(name).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new StorageException("cannot open database " + redactedUrl + ": " + e.getMessage(), e);
        }
        Path directory = file.getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            throw new StorageException(
                    "cannot open database " + redactedUrl + ": directory " + directory + " does not exist");
        }
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, OWNER_ONLY);
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // an existing database: keep it as it is
        } catch (IOException e) {
            throw new StorageException("cannot open database " + redactedUrl + ": cannot create " + file + ": " + e, e);
        }
    }

    /** One line for an operator: the driver's message when there is one, never a stack trace. */
    static String describe(Throwable failure) {
        Throwable chosen = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                chosen = t;
                break;
            }
        }
        String message = chosen.getMessage();
        if (message == null || message.isBlank()) {
            message = chosen.getClass().getSimpleName();
        }
        String firstLine = message.strip().lines().findFirst().orElse(message).strip();
        return DatabaseSettings.redact(firstLine);
    }

    private static void closeQuietly(@Nullable HikariDataSource pool) {
        if (pool != null) {
            pool.close();
        }
    }
}
