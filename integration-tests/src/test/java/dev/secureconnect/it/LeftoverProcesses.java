package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Processes that a test's launchers leave running: found by an environment variable they inherited (read from
 * {@code /proc/PID/environ}), such as the {@code SECURECONNECT_HOME} of the engineer agent that the first
 * {@code sc-engineer} command starts in the background.
 */
final class LeftoverProcesses {

    private LeftoverProcesses() {}

    /** Waits (at most {@code limit}) until no process has {@code name=value} in its environment; fails if one stays. */
    static void assertNoneWith(String name, String value, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> left = with(name, value);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = with(name, value);
        }
        assertThat(left)
                .as("processes still running " + limit.toSeconds() + " s after the end, with " + name + "=" + value)
                .isEmpty();
    }

    /** The running processes with {@code name=value} in their environment: "PID command line" each. */
    static List<String> with(String name, String value) {
        byte[] wanted = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        return ProcessHandle.allProcesses()
                .filter(process -> process.pid() != ProcessHandle.current().pid())
                .filter(process -> hasVariable(process.pid(), wanted))
                .map(process ->
                        process.pid() + " " + process.info().commandLine().orElse("?"))
                .collect(Collectors.toList());
    }

    private static boolean hasVariable(long pid, byte[] wanted) {
        byte[] environment;
        try {
            environment = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // ended meanwhile, or not ours to read: not one of the test's processes
        }
        int start = 0;
        for (int i = 0; i <= environment.length; i++) {
            if (i == environment.length || environment[i] == 0) {
                if (i - start == wanted.length
                        && java.util.Arrays.equals(environment, start, i, wanted, 0, wanted.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
