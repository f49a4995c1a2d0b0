package dev.secureconnect.cli;

import org.jspecify.annotations.Nullable;

/** Text for one line of output or audit: line breaks and other control characters replaced, long text cut. */
public final class OneLine {

    private static final int MAX = 400;

    private OneLine() {}

    public static String of(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s*\\R\\s*", "; ").replaceAll("\\p{Cntrl}", "?").strip();
        return flat.length() > MAX ? flat.substring(0, MAX) + "…" : flat;
    }
}
