package dev.secureconnect.bench.scale;

import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The harness's end of the {@link Fleet} process: writes a command line to its standard input and reads the answer
 * line from its standard output (which {@link Processes} keeps in the run's log folder), each wait bounded.
 */
final class FleetProcess {

    private final Process process;
    private final Path output;
    private final Writer commands;
    private @Nullable BufferedReader answers;

    FleetProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
        this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Waits for the fleet's {@code ready} line. */
    void awaitReady(Duration limit) {
        String line = readLine(limit);
        if (!line.equals("ready")) {
            throw new BenchException("the fleet did not start: " + line);
        }
    }

    /** Sends one command and returns its answer line; an {@code error} answer is a {@link BenchException}. */
    String call(String command, Duration limit) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new BenchException(
                    "cannot send '" + command + "' to the fleet: " + e.getMessage() + " (log: "
                            + Processes.tail(errors()) + ")",
                    e);
        }
        String answer = readLine(limit);
        if (answer.startsWith("error")) {
            throw new BenchException("the fleet failed '" + command + "': " + answer);
        }
        return answer;
    }

    /** The fleet's counts ({@code count admitted=…}) as a map of name to number. */
    Map<String, Integer> counts() {
        return fields(call("count", Duration.ofSeconds(10)));
    }

    /** The {@code name=value} fields of an answer line. */
    static Map<String, Integer> fields(String line) {
        Map<String, Integer> fields = new HashMap<>();
        for (String word : line.split("\\s+")) {
            int equals = word.indexOf('=');
            if (equals > 0) {
                String value = word.substring(equals + 1);
                fields.put(
                        word.substring(0, equals),
                        value.contains(".")
                                ? (int) Math.round(Double.parseDouble(value) * 1000)
                                : Integer.parseInt(value));
            }
        }
        return fields;
    }

    private String readLine(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (answers == null && Files.exists(output)) {
                    answers = Files.newBufferedReader(output, StandardCharsets.UTF_8);
                }
                if (answers != null) {
                    String line = answers.readLine();
                    if (line != null) {
                        return line;
                    }
                }
                if (!process.isAlive()) {
                    throw new BenchException(
                            "the fleet exited (" + process.exitValue() + "): " + Processes.tail(errors()));
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new BenchException("cannot read the fleet's answers in " + output + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while waiting for the fleet", e);
        }
        throw new BenchException(
                "the fleet did not answer within " + limit.toSeconds() + " s (log: " + Processes.tail(errors()) + ")");
    }

    private Path errors() {
        String name = output.getFileName().toString();
        return output.resolveSibling(name.substring(0, name.length() - ".out".length()) + ".err");
    }

    /** Asks the fleet to quit; ended by the run's {@link Processes} if it does not. */
    void quit() {
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException e) {
            System.err.println(
                    "sc-bench: the fleet had gone already (" + e.getMessage() + "); the run ends what is left");
        }
    }
}
