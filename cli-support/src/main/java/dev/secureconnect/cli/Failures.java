package dev.secureconnect.cli;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import java.io.PrintWriter;
import java.util.List;

/**
 * How an sc-* tool reports a command that failed: one line on standard error, {@code TOOL: MESSAGE}. The message of an
 * expected exception (the tool's domain exceptions) is printed as it is; anything else is an unexpected failure,
 * printed as {@code unexpected failure: EXCEPTION}, followed by its stack trace when the user asked with
 * {@code --debug}.
 */
public final class Failures {

    private final String tool;
    private final List<Class<? extends Exception>> expected;
    private final String unexpectedNote;

    private Failures(String tool, List<Class<? extends Exception>> expected, String unexpectedNote) {
        this.tool = requireNonNull(tool, "tool");
        this.expected = List.copyOf(expected);
        this.unexpectedNote = requireNonNull(unexpectedNote, "unexpectedNote");
    }

    /** The failures of {@code tool}, whose messages are meant for its user when of one of the {@code expected} types. */
    @SafeVarargs
    public static Failures of(String tool, Class<? extends Exception>... expected) {
        return new Failures(tool, List.of(expected), "");
    }

    /** The same, with {@code note} appended to the line of an unexpected failure. */
    public Failures noteOnUnexpected(String note) {
        return new Failures(tool, expected, " " + note);
    }

    /** The tool's name, which starts every line it prints on standard error. */
    public String tool() {
        return tool;
    }

    /** Why {@code e} failed the command, on one line. */
    public String describe(Exception e) {
        if (isExpected(e)) {
            return OneLine.of(e.getMessage());
        }
        return "unexpected failure: " + OneLine.of(String.valueOf(e)) + unexpectedNote;
    }

    /** Prints why {@code e} failed the command on {@code err}; with {@code debug}, an unexpected one's stack trace too. */
    public void print(PrintWriter err, Exception e, boolean debug) {
        err.println(tool + ": " + describe(e));
        if (debug && !isExpected(e)) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    private boolean isExpected(Exception e) {
        return expected.stream().anyMatch(type -> type.isInstance(e));
    }
}
