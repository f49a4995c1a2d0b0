package dev.secureconnect.appliance.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the appliance starts a catalogue command, whoever asks (an engineer's exec stream, a Call Home health check):
 * {@link ProcessBuilder} on the argv — no shell, standard input from {@code /dev/null}, standard error merged into
 * standard output, working folder {@code /}, an environment of only {@code PATH} and {@code LANG=C}.
 */
public final class CommandProcess {

    /** The {@code PATH} a command runs with. */
    public static final String PATH = CommandEntry.PATH;
    /** How long a killed process (and its children) may take to go. */
    private static final long EXIT_WAIT_SECONDS = 5;

    private CommandProcess() {}

    /** The builder of one run of {@code argv}. */
    public static ProcessBuilder builder(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(List.copyOf(argv))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .directory(new File("/"));
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", PATH);
        environment.put("LANG", "C");
        return builder;
    }

    /**
     * What a bounded run gave.
     *
     * @param exitStatus the exit status, -1 when the process was killed (time-out, output over the cap)
     * @param output the first {@code maxOutputBytes} of its output, as UTF-8 (malformed bytes replaced)
     */
    public record Outcome(int exitStatus, String output, boolean truncated, boolean timedOut, Duration took) {}

    /**
     * Runs {@code argv} on the calling thread (never an event loop) to its end, for at most {@code timeout} and
     * {@code maxOutputBytes} of output: past either the process and its children are killed.
     *
     * @throws UncheckedIOException when the program cannot be started
     */
    public static Outcome runBounded(List<String> argv, Duration timeout, int maxOutputBytes)
            throws InterruptedException {
        long started = System.nanoTime();
        Process process;
        try {
            process = builder(argv).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BoundedOutput output = new BoundedOutput(process, maxOutputBytes);
        Thread reader = new Thread(output::read, "sc-appliance-command-output");
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = !process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (timedOut) {
            kill(process);
            process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(EXIT_WAIT_SECONDS));
        if (reader.isAlive()) { // a child still holds the output open
            kill(process);
            reader.join(TimeUnit.SECONDS.toMillis(EXIT_WAIT_SECONDS));
        }
        boolean truncated = output.truncated();
        return new Outcome(
                timedOut || truncated || process.isAlive() ? -1 : process.exitValue(),
                output.text(),
                truncated,
                timedOut,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** The first bytes of a process's output; past the cap the process is killed. */
    private static final class BoundedOutput {
        private final Process process;
        private final byte[] kept;
        private int length;
        private boolean truncated;

        BoundedOutput(Process process, int maxBytes) {
            this.process = process;
            this.kept = new byte[maxBytes];
        }

        void read() {
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (this) {
                        int take = Math.min(n, kept.length - length);
                        System.arraycopy(buffer, 0, kept, length, take);
                        length += take;
                        if (take < n) {
                            truncated = true;
                        }
                    }
                    if (truncated()) {
                        kill(process);
                        return;
                    }
                }
            } catch (IOException e) {
                // the process was killed or closed its output: what was read is kept
            }
        }

        synchronized boolean truncated() {
            return truncated;
        }

        synchronized String text() {
            return new String(kept, 0, length, StandardCharsets.UTF_8);
        }
    }

    /** Kills the process and its descendants. */
    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
