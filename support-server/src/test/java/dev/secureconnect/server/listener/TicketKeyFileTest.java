package dev.secureconnect.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.tls.SessionTicketKey;
import dev.secureconnect.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appliance listener's ticket keys on disk: rotation, and a file that cannot be used replaced by a fresh key. */
class TicketKeyFileTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.atNewYear2026();

    @Test
    void theFirstKeyIsWrittenOwnerOnlyAndReadBackAfterARestart() throws IOException {
        List<SessionTicketKey> first = TicketKeyFile.in(dir, clock).current();

        Path file = dir.resolve(TicketKeyFile.RELATIVE_FILE);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).created()).isEqualTo(clock.instant());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        clock.advance(Duration.ofHours(23));
        assertThat(TicketKeyFile.in(dir, clock).current())
                .as("a restarted server, within the period")
                .isEqualTo(first);
    }

    @Test
    void keysRotateEveryPeriodAndThePreviousIsKeptOnePeriodMore() {
        TicketKeyFile tickets = TicketKeyFile.in(dir, clock);
        SessionTicketKey first = tickets.current().get(0);

        clock.advance(TicketKeyFile.ROTATION.minusSeconds(1));
        assertThat(tickets.current()).containsExactly(first);

        clock.advance(Duration.ofSeconds(1));
        List<SessionTicketKey> rotated = tickets.current();
        assertThat(rotated).hasSize(2).element(1).isEqualTo(first);
        SessionTicketKey second = rotated.get(0);
        assertThat(second.created()).isEqualTo(clock.instant());
        assertThat(TicketKeyFile.in(dir, clock).current())
                .as("read back after a restart")
                .containsExactly(second, first);

        clock.advance(TicketKeyFile.ROTATION);
        List<SessionTicketKey> again = tickets.current();
        assertThat(again).hasSize(2).element(1).isEqualTo(second);
        assertThat(again).doesNotContain(first);
    }

    /** A server down for longer than two periods starts with a fresh key only: the old ones opened nothing still valid. */
    @Test
    void keysOlderThanTwoPeriodsAreDroppedAtStart() {
        SessionTicketKey old = TicketKeyFile.in(dir, clock).current().get(0);

        clock.advance(TicketKeyFile.ROTATION.multipliedBy(2));
        List<SessionTicketKey> keys = TicketKeyFile.in(dir, clock).current();

        assertThat(keys).hasSize(1).doesNotContain(old);
    }

    @Test
    void aGarbledFileIsReplacedByAFreshKey() throws IOException {
        Path file = dir.resolve(TicketKeyFile.RELATIVE_FILE);
        SessionTicketKey before = TicketKeyFile.in(dir, clock).current().get(0);
        Files.writeString(file, "v1 2026-01-01T00:00:00Z bm90IDQ4IGJ5dGVz\n");

        List<SessionTicketKey> keys = TicketKeyFile.in(dir, clock).current();

        assertThat(keys).hasSize(1).doesNotContain(before);
        assertThat(TicketKeyFile.in(dir, clock).current())
                .as("the fresh key was written")
                .isEqualTo(keys);
    }

    @Test
    void aFileOthersCanReadIsReplacedByAFreshKey() throws IOException {
        Path file = dir.resolve(TicketKeyFile.RELATIVE_FILE);
        SessionTicketKey exposed = TicketKeyFile.in(dir, clock).current().get(0);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        List<SessionTicketKey> keys = TicketKeyFile.in(dir, clock).current();

        assertThat(keys).hasSize(1).doesNotContain(exposed);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void anEmptyFileIsReplacedByAFreshKey() throws IOException {
        Path file = dir.resolve(TicketKeyFile.RELATIVE_FILE);
        TicketKeyFile.in(dir, clock).current();
        Files.writeString(file, "# nothing\n");

        assertThat(TicketKeyFile.in(dir, clock).current()).hasSize(1);
    }
}
