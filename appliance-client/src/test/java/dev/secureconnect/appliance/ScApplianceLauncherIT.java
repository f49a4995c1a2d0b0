package dev.secureconnect.appliance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher {@code bin/sc-appliance} (which runs {@code appliance-client/target/sc-appliance.jar}) as separate
 * processes: init, the daemon, the admin commands over its socket, and a graceful stop on SIGTERM. Run by
 * maven-failsafe after {@code package}.
 */
class ScApplianceLauncherIT {

    @TempDir
    static Path work;

    private static Path launcher;

    @BeforeAll
    static void findTheLauncher() {
        Path repository = Path.of("").toAbsolutePath().getParent();
        launcher = repository.resolve("bin").resolve("sc-appliance");
        assertThat(launcher).as("the launcher").isExecutable();
        assertThat(repository.resolve("appliance-client/target/sc-appliance.jar"))
                .as("the jar 'mvn package' builds")
                .isRegularFile();
    }

    @Test
    void theDaemonConnectsATicketAndStopsGracefullyOnSigterm() throws Exception {
        try (TestServer server = TestServer.start(work)) {
            PkiFiles files = PkiFiles.appliance(work.resolve("issued"), "SN-IT-1");
            Path dir = work.resolve("appliance");
            Result init = run(files.initArgs(dir, server.address()));
            assertThat(init.code).as("%s", init).isZero();
            assertThat(init.out).startsWith("appliance SN-IT-1 set up in " + dir);

            Result notRunning = run("status", "--dir", dir.toString());
            assertThat(notRunning.code).isEqualTo(1);
            assertThat(notRunning.err)
                    .isEqualTo("sc-appliance: sc-appliance daemon is not running for " + dir
                            + ": start it with 'sc-appliance run --dir " + dir + "'\n");

            Path log = work.resolve("daemon.log");
            Process daemon = new ProcessBuilder(launcher.toString(), "run", "--dir", dir.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(log.toFile())
                    .redirectErrorStream(true)
                    .start();
            try {
                Eventually.await("the admin socket", () -> Files.exists(dir.resolve("run/admin.sock")), ready -> ready);
                assertThat(run("enable", "--dir", dir.toString()).code).isZero();
                Result connect = run("connect", "--dir", dir.toString(), "--ticket", "12345678", "--wait", "20s");
                assertThat(connect.code).as("%s", connect).isZero();
                assertThat(connect.out)
                        .isEqualTo("ticket 12345678 accepted by the server at " + server.address() + "\n");
                TestServer.ServerLink link = server.awaitLink();
                Result status = run("status", "--dir", dir.toString(), "--json");
                assertThat(status.out)
                        .contains(
                                "\"state\" : \"connected\"", "\"ticket\" : \"12345678\"", "\"status\" : \"accepted\"");

                daemon.destroy(); // SIGTERM
                assertThat(daemon.waitFor(20, TimeUnit.SECONDS))
                        .as("the daemon stopped")
                        .isTrue();
                assertThat(link.channel().closeFuture().await(5, TimeUnit.SECONDS))
                        .isTrue();
            } finally {
                daemon.destroyForcibly();
            }
            assertThat(dir.resolve("run/admin.sock")).doesNotExist();
            assertThat(Files.readString(log))
                    .contains("sc-appliance daemon running for " + dir, "daemon stopped")
                    .doesNotContain("PRIVATE KEY");
            Result audit = run("audit", "--dir", dir.toString());
            assertThat(audit.out).contains("link.up (1400)", "link.down (1401)", "the appliance daemon is stopping");
            assertThat(run("audit", "verify", "--dir", dir.toString()).code).isZero();
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out-", ".txt");
        Path err = Files.createTempFile(work, "err-", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
