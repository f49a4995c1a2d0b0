package dev.secureconnect.crypto.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every fuzz test asks of the domain exception a parser throws for bad input: a human message on one line
 * (no line break of any kind, {@code \R}: CR, LF, VT, FF, NEL, U+2028, U+2029), of bounded length, and not blank.
 */
public final class FuzzContract {

    /** Longer than any one-line message a parser writes ({@code OneLine.MAX} plus the words around a quote). */
    public static final int MAX_MESSAGE = 1_000;

    private FuzzContract() {}

    /** Asserts that {@code e}'s message is one non-blank line of at most {@link #MAX_MESSAGE} characters. */
    public static void assertOneLineMessage(Throwable e) {
        String message = e.getMessage();
        assertThat(message).as("message of %s", e.getClass().getName()).isNotBlank();
        assertThat(message)
                .as("message of %s", e.getClass().getName())
                .doesNotContainPattern("\\R")
                .hasSizeLessThanOrEqualTo(MAX_MESSAGE);
    }
}
