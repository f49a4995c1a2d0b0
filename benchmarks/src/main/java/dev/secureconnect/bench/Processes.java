package dev.secureconnect.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes of one run (servers, appliances, engineer clients, sshd, ssh): started with their output in
 * {@code logs/NAME.out} and {@code .err} of the run's folder, and all ended when the run ends, whatever happened.
 */
public final class Processes implements AutoCloseable {

    private final Path logs;
    private final Deque<Process> started = new ArrayDeque<>();
    private final List<AtClose> atClose = new ArrayList<>();
    private int count;

    /** A command run when the run ends, before its processes are ended. */
    private record AtClose(String name, List<String> command, Path dir, Map<String, String> env) {}

    public Processes(Path work) {
        this.logs = work.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new BenchException("cannot create " + logs + ": " + e.getMessage(), e);
        }
    }

    /** Starts {@code command} in {@code dir} with {@code env} added; its output goes to {@code logs/NAME.out/.err}. */
    public synchronized Process start(String name, List<String> command, Path dir, Map<String, String> env) {
        String file = name + "-" + (++count);
        try {
            Process process = builder(command, dir, env, file).start();
            started.push(process);
            return process;
        } catch (IOException e) {
            throw new BenchException(
                    "cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code command} to its end (at most {@code limit}) and returns its standard output; a non-zero exit or a
     * time-out is a {@link BenchException} quoting the end of its standard error.
     */
    public String run(String name, List<String> command, Path dir, Map<String, String> env, Duration limit) {
        String file = name + "-" + nextCount();
        try {
            Process process = builder(command, dir, env, file).start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new BenchException(
                        name + " did not finish within " + limit.toSeconds() + " s: " + String.join(" ", command));
            }
            String out = Files.readString(logs.resolve(file + ".out"), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new BenchException(name + " failed (exit " + process.exitValue() + "): "
                        + tail(logs.resolve(file + ".err")) + " [" + String.join(" ", command) + "]");
            }
            return out;
        } catch (IOException e) {
            throw new BenchException("cannot run " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while " + name + " ran", e);
        }
    }

    /** {@code command} in {@code dir} with {@code env} added, its output to {@code logs/FILE.out} and {@code .err}. */
    private ProcessBuilder builder(List<String> command, Path dir, Map<String, String> env, String file) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(logs.resolve(file + ".out").toFile())
                .redirectError(logs.resolve(file + ".err").toFile());
        builder.environment().putAll(env);
        return builder;
    }

    private synchronized int nextCount() {
        return ++count;
    }

    /** The last lines of a log, on one line, for an error message. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            return String.join(" | ", last).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The folder the logs are in. */
    public Path logs() {
        return logs;
    }

    /** Ends one process at once (SIGKILL), as a crash would. */
    public static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code command} (at most 10 s) when the run ends, before the processes are ended: for what a command starts
     * in the background that is not one of the run's processes, such as the engineer agent that the first
     * {@code sc-engineer} command starts on demand ({@code sc-engineer agent stop}). Its failure is logged, not thrown.
     */
    public synchronized void atClose(String name, List<String> command, Path dir, Map<String, String> env) {
        atClose.add(new AtClose(name, List.copyOf(command), dir, Map.copyOf(env)));
    }

    /**
     * Runs the {@link #atClose} commands, then ends every process still running, newest first: SIGTERM, then SIGKILL
     * after 5 s.
     */
    @Override
    public synchronized void close() {
        for (AtClose command : atClose) {
            try {
                run(command.name(), command.command(), command.dir(), command.env(), Duration.ofSeconds(10));
            } catch (BenchException e) {
                System.err.println("sc-bench: " + command.name() + " at the end of the run: " + e.getMessage());
            }
        }
        atClose.clear();
        List<Process> alive = new ArrayList<>();
        while (!started.isEmpty()) {
            Process process = started.pop();
            if (process.isAlive()) {
                process.destroy();
                alive.add(process);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process process : alive) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** What {@code command} prints of its own version (first line of stdout or stderr), or "not found". */
    static String versionOf(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor(10, TimeUnit.SECONDS);
            return text.isEmpty() ? "unknown" : text.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
