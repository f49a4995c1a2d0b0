package dev.secureconnect.crypto.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code openssl} command line as a real peer: every run is bounded in time. */
public final class OpenSsl {

    private static final long TIMEOUT_SECONDS = 30;

    private OpenSsl() {}

    /** What a run printed (standard output and error together) and its exit code. */
    public record Result(int exitCode, String output) {}

    /** Runs {@code openssl args…} and returns its output; fails unless it exits with 0. */
    public static String run(String... args) {
        Result result = tryRun(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " exited with " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }

    /** Runs {@code openssl args…}, whatever its exit code. */
    public static Result tryRun(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(List.of(args));
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("openssl-", ".out");
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(
                        "openssl " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for openssl", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static String binary() {
        return Files.isExecutable(Path.of("/usr/bin/openssl")) ? "/usr/bin/openssl" : "openssl";
    }
}
