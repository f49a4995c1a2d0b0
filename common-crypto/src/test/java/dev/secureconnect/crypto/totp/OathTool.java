package dev.secureconnect.crypto.totp;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code oathtool} (OATH Toolkit) as the authenticator of the tests: it computes the codes an engineer's
 * app would show. It is required: when it is not installed, the tests that use it fail with how to install it,
 * they are never skipped. Every run is bounded in time.
 */
public final class OathTool {

    private static final long TIMEOUT_SECONDS = 30;

    private OathTool() {}

    /** The code {@code oathtool --totp -b SECRET} prints now. */
    public static String totp(String base32Secret) {
        return run("--totp", "-b", base32Secret);
    }

    /** The code {@code oathtool --totp -b SECRET -N @EPOCH} prints for the time {@code at}. */
    public static String totp(String base32Secret, Instant at) {
        return run("--totp", "-b", base32Secret, "-N", "@" + at.getEpochSecond());
    }

    /** Runs {@code oathtool args…}; returns its output, stripped; fails unless it exits with 0. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        Process process = null;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("oathtool did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new AssertionError("oathtool exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run oathtool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for oathtool", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** The {@code oathtool} on the PATH; an {@link AssertionError} (a failure, not a skip) if there is none. */
    public static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, "oathtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("oathtool is not installed (apt-get install -y oathtool; .ci/run installs it):"
                + " the TOTP tests check codes against it and are never skipped");
    }
}
