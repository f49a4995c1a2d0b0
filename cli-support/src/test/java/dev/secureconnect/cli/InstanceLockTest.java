package dev.secureconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock held by this JVM; the refusal of a second process is InstanceLockIT's (integration-tests). */
class InstanceLockTest {

    @TempDir
    Path dir;

    @Test
    void theHolderWritesItsPidAndASecondAcquireIsRefusedWithIt() throws IOException {
        Path file = dir.resolve("daemon.lock");
        String pid = Long.toString(ProcessHandle.current().pid());
        try (InstanceLock held = InstanceLock.acquire(file)) {
            assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo(pid + "\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThatThrownBy(() -> InstanceLock.acquire(file))
                    .isInstanceOfSatisfying(InstanceLockedException.class, e -> assertThat(e.pid())
                            .isEqualTo(pid));
        }
        try (InstanceLock again = InstanceLock.acquire(file)) {
            assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo(pid + "\n");
        }
    }

    @Test
    void aStaleFileLeftByAKilledDaemonDoesNotHoldTheDirectory() throws IOException {
        Path file = dir.resolve("daemon.lock");
        Files.writeString(file, "999999999\n"); // written by a process that is gone: nobody holds the lock
        try (InstanceLock held = InstanceLock.acquire(file)) {
            assertThat(Files.readString(file, StandardCharsets.US_ASCII))
                    .isEqualTo(ProcessHandle.current().pid() + "\n");
        }
    }
}
