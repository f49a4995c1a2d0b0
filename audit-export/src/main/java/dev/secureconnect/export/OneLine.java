package dev.secureconnect.export;

/**
 * Text for a one-line error message: every run of white space and control characters (line breaks included) folded
 * into one space, the ends stripped. Destinations put what a peer, a library or the operating system said into their
 * {@link DeliveryException}s through here, so that a log line or a status field never breaks.
 */
public final class OneLine {

    private OneLine() {}

    /** {@code text} on one line: {@code "a\r\n  b "} becomes {@code "a b"}. */
    public static String of(String text) {
        return text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    }

    /** What {@code e} says, on one line; its class's simple name when it says nothing. */
    public static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : of(message);
    }
}
