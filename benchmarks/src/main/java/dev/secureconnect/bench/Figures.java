package dev.secureconnect.bench;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.json.Mappers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of one run, printed one line each as they are measured ({@code name: value unit}) and written at the end
 * as one JSON file with the machine they were measured on.
 */
public final class Figures {

    private final PrintStream out;
    private final List<Figure> figures = new ArrayList<>();

    public Figures(PrintStream out) {
        this.out = out;
    }

    /** Records and prints a figure. */
    public synchronized Figure add(String name, double value, String unit, String note) {
        Figure figure = new Figure(name, value, unit, note);
        figures.add(figure);
        out.println(figure.line());
        out.flush();
        return figure;
    }

    /**
     * Records and prints {@code vs_openssh_<figure>: R}, R = ours / OpenSSH's, for a figure measured on both sides.
     * For a time (latency, time to first byte) R below 1 is better; for a throughput R above 1 is better.
     */
    public Figure versusOpenSsh(String figure, double ours, double openSsh) {
        if (openSsh <= 0) {
            throw new BenchException("OpenSSH's " + figure + " is " + openSsh + ": no ratio can be taken");
        }
        return add("vs_openssh_" + figure, ours / openSsh, "", "ours / OpenSSH's");
    }

    public synchronized Optional<Figure> find(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public synchronized List<Figure> all() {
        return List.copyOf(figures);
    }

    /** Writes every figure with the machine and the run's settings to {@code file}, atomically. */
    public synchronized void write(Path file, Map<String, Object> run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "secureconnect-bench-v1");
        json.put("finishedAt", Instant.now().toString());
        json.put("machine", Machine.describe());
        json.put("run", run);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", f.name());
            entry.put("value", f.value());
            entry.put("unit", f.unit());
            entry.put("note", f.note());
            list.add(entry);
        }
        json.put("figures", list);
        try {
            DurableFiles.write(file, Mappers.indentedJson().writeValueAsBytes(json), DurableFiles.Access.READABLE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + file + ": " + e.getMessage(), e);
        }
    }
}
