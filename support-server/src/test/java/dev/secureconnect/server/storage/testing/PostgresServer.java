package dev.secureconnect.server.storage.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One embedded PostgreSQL server (per test class), handing out a fresh database per test. */
final class PostgresServer implements ExtensionContext.Store.CloseableResource {

    private static final String SUPERUSER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a server.
     *
     * @throws IllegalStateException with an explanation if it cannot start (never a silent skip)
     */
    static PostgresServer start() {
        Path base = workDirectory();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(PostgresBinaries.INSTANCE)
                    .setOverrideWorkingDirectory(base.toFile())
                    .setDataDirectory(base.resolve("data-" + UUID.randomUUID()))
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // no Unix socket: tests connect over TCP, and a stale socket lock in /tmp cannot get in the way
                    .setServerConfig("unix_socket_directories", "")
                    // a throw-away server: durability is SQLite's and PostgreSQL's production settings' business
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            return new PostgresServer(postgres);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "embedded PostgreSQL did not start"
                            + (RootUser.isRoot()
                                    ? " (the tests run as root, so its programs run as '"
                                            + PostgresBinaries.UNPRIVILEGED_USER
                                            + "' through setpriv or runuser, unless 'unshare -U' works; see PostgresBinaries): "
                                    : ": ")
                            + e.getMessage(),
                    e);
        }
    }

    /** A new, empty database; returns its JDBC URL. */
    String createDatabase() {
        String name = "sc_test_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return postgres.getJdbcUrl(SUPERUSER, name);
    }

    void dropDatabase(String url) {
        String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private void execute(String sql) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL: " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * The directory for the binaries and data directories. When root runs the tests, {@code nobody} must be able
     * to reach it: it is made world-searchable, and every directory above it must be too.
     */
    private static Path workDirectory() {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "secureconnect-embedded-postgres")
                .toAbsolutePath();
        try {
            Files.createDirectories(base);
            if (RootUser.isRoot()) {
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
                for (Path dir = base.getParent(); dir != null; dir = dir.getParent()) {
                    if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        throw new IllegalStateException("embedded PostgreSQL cannot run as '"
                                + PostgresBinaries.UNPRIVILEGED_USER + "' under " + base + ": " + dir
                                + " is not searchable by other users (set java.io.tmpdir to a directory such as /tmp)");
                    }
                }
            }
            return base;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + base + " for embedded PostgreSQL: " + e, e);
        }
    }
}
