package dev.secureconnect.engineer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.engineer.EngineerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory: where it is, its modes, the session file and token file names. */
class EngineerHomeTest {

    @TempDir
    Path dir;

    @Test
    void locatesTheStateDirectory() {
        assertThat(EngineerHome.locate(Map.of("SECURECONNECT_HOME", "/srv/sc"), "/home/alice"))
                .isEqualTo(Path.of("/srv/sc"));
        assertThat(EngineerHome.locate(Map.of("SECURECONNECT_HOME", " "), "/home/alice"))
                .isEqualTo(Path.of("/home/alice/.secureconnect"));
        assertThat(EngineerHome.locate(Map.of(), "/home/alice")).isEqualTo(Path.of("/home/alice/.secureconnect"));
    }

    @Test
    void savesTheSessionOwnerOnlyAndReadsItBack() throws Exception {
        EngineerHome home = EngineerHome.at(dir.resolve("a/b/state"));
        assertThat(home.session()).isEmpty();
        SavedSession session = session(Instant.parse("2030-01-01T00:00:00Z"));
        home.save(session);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.directory())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.sessionFile())))
                .isEqualTo("rw-------");
        assertThat(home.session()).contains(session);
        try (var files = Files.list(home.directory())) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactly("session.json"); // no temp file left
        }
        assertThat(session.toString()).doesNotContain("secret-session").contains("session=(hidden)");
        assertThat(home.forgetSession()).isTrue();
        assertThat(home.session()).isEmpty();
        assertThat(home.forgetSession()).isFalse();
    }

    @Test
    void aSessionIsValidUntilItExpires() {
        SavedSession session = session(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(session.validAt(Instant.parse("2029-12-31T23:59:59Z"))).isTrue();
        assertThat(session.validAt(Instant.parse("2030-01-01T00:00:00Z"))).isFalse();
    }

    @Test
    void aDamagedSessionFileSaysToLogInAgain() throws Exception {
        EngineerHome home = EngineerHome.at(dir);
        Files.writeString(home.sessionFile(), "{\"server\": 1");
        assertThatThrownBy(home::session)
                .isInstanceOf(EngineerException.class)
                .hasMessageStartingWith(home.sessionFile() + " is not a valid session file (")
                .hasMessageEndingWith("): run sc-engineer login again");
        Files.writeString(home.sessionFile(), "{\"server\": \"h:1\"}");
        assertThatThrownBy(home::session).hasMessageContaining("a key is missing or not valid");
    }

    @Test
    void tokensLiveInAnOwnerOnlyFolderNamedBySerial() throws Exception {
        EngineerHome home = EngineerHome.at(dir.resolve("state"));
        assertThat(home.tokenFile("SN-1.a_b")).isEqualTo(dir.resolve("state/tokens/SN-1.a_b.jwe"));
        Path tokens = home.prepareTokens();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)))
                .isEqualTo("rwx------");
        for (String bad : new String[] {"../x", "..", ".", "a/b", "", "x".repeat(65), "sn 1"}) {
            assertThatThrownBy(() -> home.tokenFile(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not valid: expected 1 to 64 letters, digits");
        }
    }

    private SavedSession session(Instant expiresAt) {
        return new SavedSession(
                "localhost:8443",
                dir.resolve("alice.p12"),
                Optional.of(dir.resolve("ca.pem")),
                Optional.empty(),
                "alice",
                "secret-session",
                "x".repeat(43),
                expiresAt);
    }
}
