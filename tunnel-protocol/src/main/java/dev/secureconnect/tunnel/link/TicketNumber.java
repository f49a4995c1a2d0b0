package dev.secureconnect.tunnel.link;

import org.jspecify.annotations.Nullable;

/**
 * A support ticket number: exactly 8 ASCII digits, leading zeros allowed. The server hands them out, the appliance
 * admin types them and the link carries them.
 *
 * @param value the 8 digits
 */
public record TicketNumber(String value) {

    /** How many digits a ticket number has. */
    public static final int LENGTH = 8;

    private static final int MAX_QUOTED = 32;

    /**
     * @throws InvalidTicketNumberException unless {@code value} is exactly 8 digits
     */
    public TicketNumber {
        if (!isEightDigits(value)) {
            throw invalid(value);
        }
    }

    /**
     * Reads a ticket number as a person typed it: surrounding white space is dropped, then exactly 8 digits must
     * remain.
     *
     * @throws InvalidTicketNumberException with a one-line message quoting the input, e.g. {@code ticket number
     *     '1234567' is not valid: expected exactly 8 digits}
     */
    public static TicketNumber parse(@Nullable String text) {
        if (text == null) {
            throw invalid(null);
        }
        String stripped = text.strip();
        if (!isEightDigits(stripped)) {
            throw invalid(text);
        }
        return new TicketNumber(stripped);
    }

    @Override
    public String toString() {
        return value;
    }

    private static boolean isEightDigits(String text) {
        if (text == null || text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static InvalidTicketNumberException invalid(@Nullable String text) {
        String what =
                text == null ? "ticket number is missing" : "ticket number '" + printable(text) + "' is not valid";
        return new InvalidTicketNumberException(what + ": expected exactly 8 digits");
    }

    /** The input on one line: control characters escaped, long input cut. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(MAX_QUOTED).forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)
                            || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        if (text.codePointCount(0, text.length()) > MAX_QUOTED) {
            out.append('…');
        }
        return out.toString();
    }
}
