package dev.secureconnect.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * What a figure group gets from sc-bench: the repository (its {@code bin/} launchers and built jars), a folder of its
 * own for this run, whether this is the {@code --quick} smoke run, where to record figures, and the run's processes
 * (ended when the run ends).
 */
public record BenchRun(Path root, Path work, boolean quick, Figures figures, Processes processes) {

    public BenchRun {
        requireNonNull(root, "root");
        requireNonNull(work, "work");
        requireNonNull(figures, "figures");
        requireNonNull(processes, "processes");
    }

    /** A launcher of {@code bin/} ({@code sc-server}, {@code sc-pki}, …) followed by its arguments. */
    public List<String> launcher(String name, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(root.resolve("bin").resolve(name).toString());
        command.addAll(List.of(args));
        return command;
    }
}
