package dev.secureconnect.it;

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

/** Runs the launchers in {@code bin/} as separate processes, as a person or a script would. */
final class Launcher {

    record Result(int exitCode, String out, String err) {
        String describe() {
            return "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Launcher() {}

    static Path root() {
        String configured = System.getProperty("secureconnect.root");
        Path root = configured != null
                ? Path.of(configured)
                : Path.of("").toAbsolutePath().getParent();
        if (!Files.isExecutable(root.resolve("bin/sc-server"))) {
            throw new IllegalStateException("cannot find the repository root (bin/sc-server) from " + root);
        }
        return root;
    }

    static Path bin(String name) {
        return root().resolve("bin").resolve(name);
    }

    /** Runs a launcher to completion (at most 60 s), capturing its output. */
    static Result run(Map<String, String> env, String launcher, String... args)
            throws IOException, InterruptedException {
        return run(Duration.ofSeconds(60), env, launcher, args);
    }

    /** Runs a launcher to completion within {@code limit}, capturing its output. */
    static Result run(Duration limit, Map<String, String> env, String launcher, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(bin(launcher).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(
                        launcher + " " + String.join(" ", args) + " did not finish within " + limit.toSeconds() + " s");
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

    static Result run(String launcher, String... args) throws IOException, InterruptedException {
        return run(Map.of(), launcher, args);
    }

    /** Starts a long-running launcher ({@code … run --dir DIR}); its output goes to {@code log}. */
    static Process start(Path log, String launcher, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(bin(launcher).toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Stops a daemon with SIGTERM and waits (bounded) for it to end. */
    static void stop(Process process) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
