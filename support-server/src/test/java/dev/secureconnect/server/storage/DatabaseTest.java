package dev.secureconnect.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @StorageTest
    void migrationsCreateTheSchemaWithAnEmptyAuditHead(TestDatabase test) {
        Database database = test.database();

        assertThat(database.dialect()).isEqualTo(test.dialect());
        assertThat(appliedMigrations(database))
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "15", "16");
        assertThat(count(database, "audit_log")).isZero();
        assertThat(count(database, "tickets")).isZero();
        assertThat(count(database, "appliance_links")).isZero();
        assertThat(count(database, "engineers")).isZero();
        assertThat(count(database, "audit_checkpoints")).isZero();
        assertThat(count(database, "sink_cursors")).isZero();
        assertThat(count(database, "access_tokens")).isZero();
        assertThat(count(database, "appliance_checkpoints")).isZero();
        assertThat(count(database, "source_blocks")).isZero();
        assertThat(count(database, "enrolment_invites")).isZero();
        assertThat(count(database, "appliance_certificates")).isZero();
        String head = database.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT id, seq, hash FROM audit_head")) {
                assertThat(rs.next()).isTrue();
                String row = rs.getInt(1) + "/" + rs.getLong(2) + "/" + rs.getString(3);
                assertThat(rs.next()).isFalse();
                return row;
            }
        });
        assertThat(head).isEqualTo("1/0/" + HashChain.GENESIS);
    }

    @StorageTest
    void reopeningAMigratedDatabaseAppliesNothingAndKeepsData(TestDatabase test) {
        test.database().withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("INSERT INTO tickets (number, title, status, opened_at, opened_by)"
                        + " VALUES ('12345678', 't', 'open', 0, 'me')");
            }
        });

        try (Database again = Database.open(test.settings())) {
            assertThat(appliedMigrations(again))
                    .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "15", "16");
            assertThat(count(again, "tickets")).isEqualTo(1);
        }
    }

    @StorageTest
    void aFailedTransactionIsRolledBackAndItsExceptionRethrown(TestDatabase test) {
        Database database = test.database();

        assertThatThrownBy(() -> database.inTransaction(connection -> {
                    try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO tickets (number, title, status, opened_at, opened_by)"
                                + " VALUES ('12345678', 't', 'open', 0, 'me')");
                    }
                    throw new IllegalStateException("changed my mind");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("changed my mind");
        assertThat(count(database, "tickets")).isZero();
    }

    @StorageTest
    void anSqlErrorBecomesAOneLineStorageExceptionNamingTheDatabase(TestDatabase test) {
        Database database = test.database();

        assertThatThrownBy(() -> database.withConnection(connection -> {
                    try (Statement statement = connection.createStatement()) {
                        return statement.executeQuery("SELECT * FROM no_such_table");
                    }
                }))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("database " + test.settings().redactedUrl() + ": ")
                .hasMessageContaining("no_such_table")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @StorageTest
    void theAuditLogIsAppendOnlyForOrdinarySql(TestDatabase test) {
        Database database = test.database();
        database.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("INSERT INTO audit_log (seq, occurred_at, event_id, outcome, details,"
                        + " prev_hash, hash) VALUES (1, 0, 1000, 'success', '{}', 'a', 'b')");
            }
        });

        for (String sql : List.of("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log")) {
            assertThatThrownBy(() -> database.withConnection(connection -> {
                        try (Statement statement = connection.createStatement()) {
                            return statement.executeUpdate(sql);
                        }
                    }))
                    .as(sql)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("audit_log is append-only");
        }
        assertThat(count(database, "audit_log")).isEqualTo(1);
    }

    @Test
    void sqliteUsesWalFullSyncForeignKeysAndABusyTimeout(@TempDir Path dir) {
        try (Database database = Database.open(DatabaseSettings.sqlite(dir))) {
            List<String> pragmas = database.withConnection(connection -> {
                List<String> values = new ArrayList<>();
                try (Statement statement = connection.createStatement()) {
                    for (String pragma : List.of("journal_mode", "synchronous", "foreign_keys", "busy_timeout")) {
                        try (ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
                            rs.next();
                            values.add(pragma + "=" + rs.getString(1));
                        }
                    }
                }
                return values;
            });

            assertThat(pragmas)
                    .containsExactly(
                            "journal_mode=wal",
                            "synchronous=2",
                            "foreign_keys=1",
                            "busy_timeout=" + DatabaseSettings.DEFAULT_LOCK_TIMEOUT.toMillis());
        }
    }

    @Test
    void aNewSqliteFileIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        try (Database database = Database.open(DatabaseSettings.sqlite(dir))) {
            assertThat(database.url())
                    .isEqualTo("jdbc:sqlite:" + dir.toAbsolutePath().resolve("server.db"));
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.db"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aSqliteFileInAMissingDirectoryIsRefusedNamingTheUrl(@TempDir Path dir) {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> Database.open(DatabaseSettings.sqlite(missing)))
                .isInstanceOf(StorageException.class)
                .hasMessage("cannot open database jdbc:sqlite:" + missing.resolve("server.db") + ": directory "
                        + missing + " does not exist");
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("server.db"), "this is not an SQLite database, just a text file\n".repeat(100));

        assertThatThrownBy(() -> Database.open(DatabaseSettings.sqlite(dir)))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("cannot open database jdbc:sqlite:" + dir.resolve("server.db") + ": ")
                .hasMessageContaining("not a database")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anUnsupportedUrlIsRefusedNamingItWithoutItsPassword() {
        assertThatThrownBy(() -> Database.open(DatabaseSettings.of("jdbc:mysql://db.example/sc?password=hunter2")))
                .isInstanceOf(StorageException.class)
                .hasMessage("database URL jdbc:mysql://db.example/sc?password=*** is not supported"
                        + " (expected: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
    }

    @Test
    void anUnreachablePostgresqlServerGivesOneLineNamingTheUrlWithoutThePassword() {
        DatabaseSettings settings = DatabaseSettings.of("jdbc:postgresql://127.0.0.1:1/sc?user=sc&password=hunter2")
                .withCredentials("sc", "also-secret");

        assertThatThrownBy(() -> Database.open(settings))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("cannot open database jdbc:postgresql://127.0.0.1:1/sc?user=sc&password=***: ")
                .hasMessageContaining("refused")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("hunter2")
                        .doesNotContain("also-secret")
                        .doesNotContain("\n"));
    }

    @Test
    void settingsMaskThePasswordAndValidate() {
        DatabaseSettings settings =
                DatabaseSettings.of("jdbc:postgresql://db.example/sc").withCredentials("sc", "pw");

        assertThat(settings.toString()).doesNotContain("pw,").contains("password=***");
        assertThat(DatabaseSettings.redact("jdbc:postgresql://u:secret@db/sc"))
                .isEqualTo("jdbc:postgresql://u:***@db/sc");
        assertThatThrownBy(() -> settings.withMaximumPoolSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumPoolSize: 0 (expected: > 0)");
        assertThatThrownBy(() -> DatabaseSettings.of(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("url: ''");
    }

    private static List<String> appliedMigrations(Database database) {
        return database.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT version FROM flyway_schema_history"
                            + " WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
                List<String> versions = new ArrayList<>();
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
                return versions;
            }
        });
    }

    private static long count(Database database, String table) {
        return database.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
