package dev.secureconnect.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The .deb files on the real system, as an operator installs them: {@code dpkg -i}, {@code systemd-analyze verify} of
 * the units, the installed {@code sc-server} and {@code sc-appliance} set up and run as the packages' system user from
 * the default directories (no systemd runs in a CI container, so no service is started), then {@code dpkg --purge},
 * which leaves the machine as it was. Only as root on a Debian system with dpkg (CI); skipped elsewhere.
 */
class DebianPackagesIT {

    private static final Path STATE = Path.of("/var/lib/secureconnect");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final List<String> PACKAGES = List.of("secureconnect-server", "secureconnect-appliance");

    private static Path work;

    @BeforeAll
    static void install() throws IOException, InterruptedException {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/dpkg")) && Files.isRegularFile(Path.of("/etc/debian_version")),
                "not a Debian system with dpkg: the .deb files are checked by DistributionArchivesIT only");
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "dpkg -i needs root (CI runs as root): the .deb files are checked by DistributionArchivesIT only");
        for (String name : PACKAGES) {
            assumeTrue(
                    !run("dpkg-query", "-W", "-f=${Status}", name).out().equals("install ok installed"),
                    name + " is installed on this machine already: the test would replace and purge it");
        }
        assumeTrue(!Files.exists(STATE), STATE + " exists already: the test would purge it");
        Result installed = run(
                "dpkg",
                "-i",
                Archives.built("secureconnect.deb.server").toString(),
                Archives.built("secureconnect.deb.appliance").toString());
        assertThat(installed.code()).as(installed.describe()).isZero();
        work = Files.createTempDirectory(
                "sc-deb-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterAll
    static void purge() throws IOException, InterruptedException {
        if (work == null) {
            return; // skipped: nothing installed
        }
        Result purged = run("dpkg", "--purge", "secureconnect-appliance", "secureconnect-server");
        deleteTree(work);
        assertThat(purged.code()).as(purged.describe()).isZero();
        assertThat(STATE).doesNotExist();
        assertThat(Path.of("/etc/secureconnect")).doesNotExist();
        assertThat(Path.of("/usr/bin/sc-server")).doesNotExist();
        assertThat(run("getent", "passwd", "secureconnect").code()).isNotZero();
    }

    @Test
    void systemdAcceptsTheUnits() throws IOException, InterruptedException {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
                "systemd-analyze is missing (.ci/run installs systemd): the units are not verified here");
        Result verify = run(
                "systemd-analyze",
                "verify",
                "/lib/systemd/system/secureconnect-server.service",
                "/lib/systemd/system/secureconnect-appliance.service");
        assertThat(verify.code()).as(verify.describe()).isZero();
        assertThat(verify.err()).doesNotContain("secureconnect-");
    }

    @Test
    void thePackagesMadeTheUserItsDirectoriesAndKeptTheirConfiguration() throws IOException, InterruptedException {
        assertThat(run("getent", "passwd", "secureconnect").out()).contains("/usr/sbin/nologin");
        for (String role : List.of("server", "appliance")) {
            assertThat(Files.getOwner(STATE.resolve(role)).getName()).isEqualTo("secureconnect");
            assertThat(Path.of("/etc/secureconnect/" + role + ".env")).isRegularFile();
            assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "secureconnect-" + role)
                            .out())
                    .contains("/etc/secureconnect/" + role + ".env");
            assertThat(Path.of("/usr/share/man/man1/sc-" + role + ".1")).isRegularFile();
            assertThat(Path.of("/usr/share/bash-completion/completions/sc-" + role))
                    .isRegularFile();
        }
    }

    @Test
    void theInstalledServerRunsFromItsDefaultDirectoryOnceOnly() throws IOException, InterruptedException {
        PkiFiles files = readable(
                PkiFiles.write(work.resolve("server-files"), TestPki.shared().server()));
        Path crl = PkiFiles.writeCrl(files.dir().resolve("crl.pem"));
        Files.setPosixFilePermissions(crl, PosixFilePermissions.fromString("rw-r--r--"));
        Result init = asServiceUser(
                "/usr/bin/sc-server",
                "init",
                "--cert",
                files.cert().toString(),
                "--key",
                files.key().toString(),
                "--chain",
                files.chain().toString(),
                "--ca",
                files.ca().toString(),
                "--crl",
                crl.toString(),
                "--appliance-listen",
                "127.0.0.1:0",
                "--engineer-listen",
                "127.0.0.1:0");
        assertThat(init.code()).as(init.describe()).isZero();
        assertThat(STATE.resolve("server/server.yaml")).isRegularFile();

        Path listeners = STATE.resolve("server/run/listeners.json");
        Process daemon = startAsServiceUser(work.resolve("server.log"), "/usr/bin/sc-server", "run");
        try {
            Eventually.within(STARTUP, "the installed sc-server run writes " + listeners, () -> {
                assertThat(daemon.isAlive())
                        .as(() -> log(work.resolve("server.log")))
                        .isTrue();
                return Files.exists(listeners);
            });
            long pid = Mappers.json().readTree(listeners.toFile()).path("pid").asLong();
            Result second = asServiceUser("/usr/bin/sc-server", "run");
            assertThat(second.code()).as(second.describe()).isEqualTo(1);
            assertThat(second.err())
                    .isEqualTo("sc-server: an sc-server daemon is already running for " + STATE.resolve("server")
                            + " (PID " + pid
                            + "): stop it first, or give this one a directory of its own with --dir\n");
            assertThat(listeners)
                    .as("the refused run leaves the first one's file")
                    .exists();
            stop(pid);
            assertThat(listeners).as("the daemon that wrote it removes it").doesNotExist();
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void theInstalledApplianceIsSetUpAndRunsFromItsDefaultDirectory() throws IOException, InterruptedException {
        PkiFiles files = readable(PkiFiles.appliance(work.resolve("appliance-files"), "SN-DEB-1"));
        Result init = asServiceUser(
                "/usr/bin/sc-appliance",
                "init",
                "--server",
                "127.0.0.1:9",
                "--cert",
                files.cert().toString(),
                "--key",
                files.key().toString(),
                "--chain",
                files.chain().toString(),
                "--ca",
                files.ca().toString());
        assertThat(init.code()).as(init.describe()).isZero();
        assertThat(STATE.resolve("appliance/appliance.json")).isRegularFile();

        Path lock = STATE.resolve("appliance/run/daemon.lock");
        Process daemon = startAsServiceUser(work.resolve("appliance.log"), "/usr/bin/sc-appliance", "run");
        try {
            Eventually.within(STARTUP, "the installed sc-appliance run answers 'status'", () -> {
                assertThat(daemon.isAlive())
                        .as(() -> log(work.resolve("appliance.log")))
                        .isTrue();
                return answers("/usr/bin/sc-appliance", "status");
            });
            assertThat(asServiceUser("/usr/bin/sc-appliance", "status").out()).contains("SecureConnect: disabled");
            String pid = Files.readString(lock, StandardCharsets.US_ASCII).trim();
            Result second = asServiceUser("/usr/bin/sc-appliance", "run");
            assertThat(second.code()).as(second.describe()).isEqualTo(1);
            assertThat(second.err())
                    .contains("already running for " + STATE.resolve("appliance") + " (PID " + pid + ")");
            stop(Long.parseLong(pid));
        } finally {
            daemon.destroyForcibly();
        }
    }

    /** SIGTERM to the JVM (not to runuser), as systemd would send; waits (bounded) until it has ended. */
    private static void stop(long pid) {
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("PID " + pid + " did not end within 60 s of SIGTERM", e);
            }
        });
    }

    /** The files, readable by the service user (a temporary folder is its creator's alone). */
    private static PkiFiles readable(PkiFiles files) throws IOException {
        Files.setPosixFilePermissions(files.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> entries = Files.list(files.dir())) {
            for (Path file : entries.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        return files;
    }

    /** Whether the command, run as the service user, exits 0. */
    private static boolean answers(String... command) {
        try {
            return asServiceUser(command).code() == 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static List<String> asServiceUserCommand(String... command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "secureconnect", "--"));
        full.addAll(List.of(command));
        return full;
    }

    private static Result asServiceUser(String... command) throws IOException, InterruptedException {
        return run(asServiceUserCommand(command).toArray(String[]::new));
    }

    private static Process startAsServiceUser(Path log, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(asServiceUserCommand(command))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("SC_DIR");
        return builder.start();
    }

    record Result(int code, String out, String err) {
        String describe() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** Runs a command to completion (at most 5 minutes: dpkg), without SC_DIR: the defaults are under test. */
    private static Result run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sc-deb", ".out");
        Path err = Files.createTempFile("sc-deb", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().remove("SC_DIR");
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String log(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
