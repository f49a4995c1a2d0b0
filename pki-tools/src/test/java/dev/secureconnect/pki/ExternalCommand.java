package dev.secureconnect.pki;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real program (openssl, the {@code bin/sc-pki} launcher) as a separate process with standard input from
 * {@code /dev/null}, its output captured to files and a bound on how long it may run. A program that cannot be
 * started fails the test: a missing tool is an error, never a reason to skip.
 */
final class ExternalCommand {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private ExternalCommand() {}

    /** What a run printed and its exit code. */
    record Result(List<String> command, int exitCode, String out, String err) {
        /** Standard output and error together, for assertions on tools that mix them. */
        String output() {
            return out + err;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited with " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Result run(Duration timeout, Map<String, String> extraEnv, List<String> command) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("external-", ".out");
            err = Files.createTempFile("external-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(extraEnv);
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(
                    List.copyOf(command),
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + command.get(0), e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Runs {@code /usr/bin/openssl args…} (or openssl from PATH), whatever its exit code. */
    static Result openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(Path.of("/usr/bin/openssl")) ? "/usr/bin/openssl" : "openssl");
        command.addAll(List.of(args));
        return run(DEFAULT_TIMEOUT, Map.of(), command);
    }

    /** Runs openssl and fails the test unless it exits with 0; returns stdout and stderr together. */
    static String opensslOk(String... args) {
        Result result = openssl(args);
        if (result.exitCode() != 0) {
            throw new AssertionError(result.toString());
        }
        return result.output();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
