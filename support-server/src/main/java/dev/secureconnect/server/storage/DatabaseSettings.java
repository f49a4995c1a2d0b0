package dev.secureconnect.server.storage;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the server's database is and how many connections the server may hold to it.
 *
 * <p>A URL starting {@code jdbc:sqlite:} opens a local SQLite file; {@code jdbc:postgresql:} a PostgreSQL server.
 * {@link #sqlite(Path)} gives the default of a fresh install: {@code DIR/server.db}.
 *
 * @param url the JDBC URL
 * @param user the database user, or {@code null} (SQLite, or a user given in the URL)
 * @param password the database password, or {@code null}; never printed
 * @param maximumPoolSize the most connections the pool opens, at least 1
 * @param lockTimeout how long a write waits for a lock another connection or process holds (SQLite's busy timeout,
 *     PostgreSQL's {@code lock_timeout} on the audit head) before it fails
 */
public record DatabaseSettings(
        String url, @Nullable String user, @Nullable String password, int maximumPoolSize, Duration lockTimeout) {

    /** The SQLite file name inside the server directory. */
    public static final String SQLITE_FILE_NAME = "server.db";

    /** Connections per process unless configured: enough for the daemon, few enough for PostgreSQL's limits. */
    public static final int DEFAULT_MAXIMUM_POOL_SIZE = 8;

    /**
     * How long a write waits for a lock unless configured: long enough for an admin command beside the daemon, short
     * enough that a database held by something else makes the audit log unavailable (and refuses what it must record)
     * rather than hanging.
     */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(15);

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");

    public DatabaseSettings {
        requireNonNull(url, "url");
        if (url.isBlank()) {
            throw new IllegalArgumentException("url: '' (expected: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
        }
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize: " + maximumPoolSize + " (expected: > 0)");
        }
        requireNonNull(lockTimeout, "lockTimeout");
        if (lockTimeout.toMillis() < 1 || lockTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("lockTimeout: " + lockTimeout + " (expected: 1 ms to 10 minutes)");
        }
    }

    /** A URL with no separate user or password and the default pool size. */
    public static DatabaseSettings of(String url) {
        return new DatabaseSettings(url, null, null, DEFAULT_MAXIMUM_POOL_SIZE, DEFAULT_LOCK_TIMEOUT);
    }

    /** The default of a fresh install: the SQLite file {@code serverDir/server.db}. */
    public static DatabaseSettings sqlite(Path serverDir) {
        requireNonNull(serverDir, "serverDir");
        return of("jdbc:sqlite:" + serverDir.toAbsolutePath().normalize().resolve(SQLITE_FILE_NAME));
    }

    /** These settings with another user and password. */
    public DatabaseSettings withCredentials(@Nullable String newUser, @Nullable String newPassword) {
        return new DatabaseSettings(url, newUser, newPassword, maximumPoolSize, lockTimeout);
    }

    /** These settings with another pool size. */
    public DatabaseSettings withMaximumPoolSize(int size) {
        return new DatabaseSettings(url, user, password, size, lockTimeout);
    }

    /** These settings with another lock time-out. */
    public DatabaseSettings withLockTimeout(Duration timeout) {
        return new DatabaseSettings(url, user, password, maximumPoolSize, timeout);
    }

    /** The URL with any password in it replaced by {@code ***}: what logs and error messages show. */
    public String redactedUrl() {
        return redact(url);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + redactedUrl() + ", user=" + user + ", password="
                + (password == null ? null : "***") + ", maximumPoolSize=" + maximumPoolSize + ", lockTimeout="
                + lockTimeout + "]";
    }

    static String redact(String url) {
        String withoutParameter = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(withoutParameter).replaceAll("$1***@");
    }
}
