package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Login sessions in the database, on SQLite and PostgreSQL: a session one node made is accepted by another on the same
 * database (and after a restart), a logout on one is refused on the other, sessions expire and end with their
 * engineer, and only the value's SHA-256 is stored.
 */
class LoginSessionsTest {

    private static final CertificateFingerprint ALICE_CERT = new CertificateFingerprint(sha256("alice's certificate"));
    private static final CertificateFingerprint BOB_CERT = new CertificateFingerprint(sha256("bob's certificate"));

    @StorageTest
    void aSessionMadeByOneNodeIsAcceptedByAnotherAndALogoutOnOneIsRefusedOnTheOther(TestDatabase test) {
        MutableClock clock = MutableClock.atNewYear2026();
        LoginSessions nodeA = new LoginSessions(test.database(), clock);
        try (Database second = Database.open(test.settings())) {
            LoginSessions nodeB = new LoginSessions(second, clock);

            LoginSessions.Created created = nodeA.create("alice", ALICE_CERT);

            LoginSession seen = nodeB.find(created.value()).orElseThrow();
            assertThat(seen.login()).isEqualTo("alice");
            assertThat(seen.boundTo(ALICE_CERT)).isTrue();
            assertThat(seen.boundTo(BOB_CERT)).isFalse();
            assertThat(seen.expiresAt()).isEqualTo(created.session().expiresAt());
            assertThat(nodeB.logins()).containsExactly("alice");

            assertThat(nodeB.end(created.value())).isTrue();
            assertThat(nodeA.find(created.value())).isEmpty();
            assertThat(nodeB.find(created.value())).isEmpty();
            assertThat(nodeA.end(created.value())).as("ended once").isFalse();
        }
    }

    @StorageTest
    void aSessionOutlivesARestartButNotItsExpiry(TestDatabase test) {
        MutableClock clock = MutableClock.atNewYear2026();
        LoginSessions.Created created =
                new LoginSessions(test.database(), clock, Duration.ofHours(1)).create("alice", ALICE_CERT);

        try (Database reopened = Database.open(test.settings())) {
            LoginSessions restarted = new LoginSessions(reopened, clock, Duration.ofHours(1));
            assertThat(restarted.find(created.value())).isPresent();
            assertThat(restarted.size()).isEqualTo(1);

            clock.advance(Duration.ofHours(1));
            assertThat(restarted.find(created.value())).isEmpty();
            assertThat(restarted.size()).isZero();
            assertThat(restarted.logins()).isEmpty();
        }
    }

    @StorageTest
    void disablingAnEngineerEndsOnlyTheirLiveSessions(TestDatabase test) {
        MutableClock clock = MutableClock.atNewYear2026();
        LoginSessions sessions = new LoginSessions(test.database(), clock);
        LoginSessions.Created first = sessions.create("alice", ALICE_CERT);
        LoginSessions.Created second = sessions.create("alice", ALICE_CERT);
        LoginSessions.Created bobs = sessions.create("bob", BOB_CERT);

        assertThat(sessions.endAll("alice")).isEqualTo(2);

        assertThat(sessions.find(first.value())).isEmpty();
        assertThat(sessions.find(second.value())).isEmpty();
        assertThat(sessions.find(bobs.value())).isPresent();
        assertThat(sessions.logins()).containsExactly("bob");
        assertThat(sessions.endAll("alice")).isZero();
    }

    @StorageTest
    void onlyTheValuesHashIsStoredAndNonsenseIsNoSession(TestDatabase test) {
        LoginSessions sessions = new LoginSessions(test.database(), MutableClock.atNewYear2026());
        LoginSessions.Created created = sessions.create("alice", ALICE_CERT);

        String stored = test.database().withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT value_hash, end_reason FROM login_sessions WHERE login = 'alice'");
                    ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        });
        assertThat(stored).isEqualTo(HexFormat.of().formatHex(sha256(created.value())));
        assertThat(stored).doesNotContain(created.value());
        assertThat(created.toString()).doesNotContain(created.value());

        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find("x".repeat(129))).isEmpty();
        assertThat(sessions.find(created.value() + "x")).isEmpty();
        assertThat(sessions.end("no-such-session")).isFalse();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
