package dev.secureconnect.crypto.text;

import org.jspecify.annotations.Nullable;

/**
 * Text from outside (a peer, a user, a library, the operating system) made safe for one line of output, of a log or
 * of the audit: no line breaks or other control characters, a bounded length. The one home of these rules; a format
 * with rules of its own (syslog's PRINTUSASCII, quoting for a shell) applies them after these.
 */
public final class OneLine {

    /** How much of a message {@link #of} keeps. */
    public static final int MAX = 400;
    /** How much of a value {@link #quoted(String)} keeps. */
    public static final int MAX_QUOTED = 80;

    private OneLine() {}

    /**
     * A message on one line: each line break, with the white space around it, becomes {@code "; "}, any other control
     * character (C0 or C1) {@code ?}, the ends stripped, at most {@link #MAX} characters ({@code …} marks a cut); {@code ""} for
     * null.
     */
    public static String of(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s*\\R\\s*", "; ")
                .replaceAll("[\\p{Cntrl}\\u0080-\\u009f]", "?")
                .strip();
        return flat.length() > MAX ? flat.substring(0, MAX) + "…" : flat;
    }

    /** {@link #quoted(String, int)} with at most {@link #MAX_QUOTED} characters. */
    public static String quoted(@Nullable String value) {
        return quoted(value, MAX_QUOTED);
    }

    /**
     * A value as a message may quote it: control characters (and the Unicode line and paragraph separators) replaced
     * by {@code ?}, at most {@code max} characters,
     * {@code …} marking a cut; {@code ""} for null.
     */
    public static String quoted(@Nullable String value, int max) {
        if (value == null) {
            return "";
        }
        String shown = replaced(value);
        return shown.length() > max ? shown.substring(0, max) + "…" : shown;
    }

    /**
     * A value for a field of bounded width (a column, an audit field): control characters replaced by {@code ?}, at
     * most {@code max} characters, cut without a mark; {@code ""} for null.
     */
    public static String clipped(@Nullable String value, int max) {
        if (value == null) {
            return "";
        }
        String shown = replaced(value);
        return shown.length() > max ? shown.substring(0, max) : shown;
    }

    /**
     * The first line of a message (up to its first line break of any kind: {@code \n}, {@code \r}, {@code \u0085},
     * {@code \u2028} …), {@link #quoted(String, int) quoted} to at most {@link #MAX} characters; {@code ""} for null.
     * For a library's message whose later lines repeat the input (a parser's echo of what it could not read).
     */
    public static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        return quoted(message.split("\\R", 2)[0], MAX);
    }

    /**
     * Every run of white space and control characters (line breaks of every kind included: {@code \u0085},
     * {@code \u2028} and {@code \u2029} as well as the ASCII ones) folded into one space, ends stripped.
     */
    public static String folded(@Nullable String text) {
        return text == null
                ? ""
                : text.replaceAll("[\\s\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]+", " ")
                        .strip();
    }

    /** What {@code e} says, {@link #folded}; its class's simple name when it says nothing. */
    public static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : folded(message);
    }

    private static String replaced(String value) {
        return value.codePoints()
                .map(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
