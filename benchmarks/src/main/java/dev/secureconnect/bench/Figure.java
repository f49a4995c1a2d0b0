package dev.secureconnect.bench;

import static java.util.Objects.requireNonNull;

/**
 * One measured figure: {@code name} in snake case ({@code throughput_1_stream}), its value and unit ({@code MB/s},
 * {@code us}, {@code ratio}, …), and a note on how it was obtained (what was moved, how many samples).
 */
public record Figure(String name, double value, String unit, String note) {

    public Figure {
        requireNonNull(name, "name");
        requireNonNull(unit, "unit");
        note = note == null ? "" : note;
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("figure name " + name + " (expected: lower case, digits and _)");
        }
    }

    /** The line sc-bench prints: {@code name: value unit}. */
    public String line() {
        String shown = value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : String.format(java.util.Locale.ROOT, "%.3f", value);
        return unit.isEmpty() ? name + ": " + shown : name + ": " + shown + " " + unit;
    }
}
