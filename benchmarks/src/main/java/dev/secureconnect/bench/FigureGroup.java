package dev.secureconnect.bench;

/** A set of figures measured together (the data path beside OpenSSH, the fleet's scale, the audit log). */
public interface FigureGroup {

    /** The name {@code --only} selects it by. */
    String name();

    /** Measures and records the group's figures in {@code run.figures()}; a failure is a {@link BenchException}. */
    void measure(BenchRun run) throws Exception;
}
