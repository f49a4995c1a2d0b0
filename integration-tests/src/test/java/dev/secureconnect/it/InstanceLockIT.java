package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.server.ServerDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One daemon per directory, with two real processes through bin/: a second {@code run} is refused naming the first
 * one's PID, leaves its {@code run/listeners.json} alone, and {@code SC_DIR} stands in for {@code --dir}.
 */
class InstanceLockIT {

    @TempDir
    Path root;

    @Test
    void aSecondServerOnTheSameDirectoryIsRefusedWithThePidOfTheFirst() throws Exception {
        try (ServerProcess server = new ServerProcess(root)) {
            server.start();
            Path listeners = server.dir.resolve(ServerDaemon.LISTENERS_FILE);
            long pid =
                    new ObjectMapper().readTree(listeners.toFile()).path("pid").asLong();
            byte[] written = Files.readAllBytes(listeners);

            // SC_DIR instead of --dir: the same directory, so the same refusal
            Launcher.Result second = Launcher.run(Map.of("SC_DIR", server.dir.toString()), "sc-server", "run");

            assertThat(second.exitCode()).as(second.describe()).isEqualTo(1);
            assertThat(second.err())
                    .isEqualTo("sc-server: an sc-server daemon is already running for " + server.dir + " (PID " + pid
                            + "): stop it first, or give this one a directory of its own with --dir\n");
            assertThat(Files.readAllBytes(listeners))
                    .as("the refused process neither rewrote nor removed the first one's file")
                    .isEqualTo(written);
            Launcher.Result list =
                    Launcher.run(Map.of("SC_DIR", server.dir.toString()), "sc-server", "tickets", "list");
            assertThat(list.exitCode()).as(list.describe()).isZero();

            server.close(); // SIGTERM: the daemon that wrote the file removes it
            assertThat(listeners).doesNotExist();
        }
    }

    @Test
    void aSecondApplianceDaemonOnTheSameDirectoryIsRefusedWithThePidOfTheFirst() throws Exception {
        try (ApplianceProcess appliance = new ApplianceProcess(root, "SN-LOCK-1", 9)) {
            appliance.start();
            String pid = Files.readString(appliance.dir.resolve("run/daemon.lock"), StandardCharsets.US_ASCII)
                    .trim();

            Launcher.Result second = Launcher.run("sc-appliance", "run", "--dir", appliance.dir.toString());

            assertThat(second.exitCode()).as(second.describe()).isEqualTo(1);
            assertThat(second.err())
                    .isEqualTo("sc-appliance: an sc-appliance daemon is already running for " + appliance.dir + " (PID "
                            + pid + "): stop it first, or give this one a directory of its own with --dir\n");
            assertThat(Launcher.run(Map.of("SC_DIR", appliance.dir.toString()), "sc-appliance", "status")
                            .exitCode())
                    .as("the first daemon still answers, found through SC_DIR")
                    .isZero();
        }
    }
}
