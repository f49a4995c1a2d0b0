package dev.secureconnect.server.storage;

import java.util.Locale;

/** The database products the server runs on, chosen by the JDBC URL's prefix. */
public enum Dialect {
    /** One local file, the default; several processes may share it (WAL, busy timeout). */
    SQLITE("jdbc:sqlite:", "sqlite"),
    /** A PostgreSQL server, for production and for several server nodes. */
    POSTGRESQL("jdbc:postgresql:", "postgresql");

    private final String urlPrefix;
    private final String migrationFolder;

    Dialect(String urlPrefix, String migrationFolder) {
        this.urlPrefix = urlPrefix;
        this.migrationFolder = migrationFolder;
    }

    /**
     * An SQL expression for the database server's current time in milliseconds since the epoch (UTC): one clock for
     * every node of a cluster, whatever their own clocks say.
     */
    public String currentTimeMillis() {
        return this == SQLITE
                ? "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
                : "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    }

    /** How this product's JDBC URLs start, e.g. {@code jdbc:sqlite:}. */
    String urlPrefix() {
        return urlPrefix;
    }

    /** The Flyway location of this product's own migrations, beside {@code db/migration/common}. */
    String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /**
     * The dialect a JDBC URL names.
     *
     * @throws StorageException naming the (redacted) URL if it is neither SQLite nor PostgreSQL
     */
    static Dialect of(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        for (Dialect dialect : values()) {
            if (lower.startsWith(dialect.urlPrefix)) {
                return dialect;
            }
        }
        throw new StorageException("database URL " + DatabaseSettings.redact(url)
                + " is not supported (expected: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
    }
}
