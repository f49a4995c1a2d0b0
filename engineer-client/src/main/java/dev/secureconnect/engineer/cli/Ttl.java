package dev.secureconnect.engineer.cli;

import dev.secureconnect.cli.DurationText;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import java.time.Duration;

/** A token lifetime as the engineer types it: {@code 90m}, {@code 2h}, {@code 7d} (also {@code 3600s}), at most 7 days. */
final class Ttl {

    private Ttl() {}

    /** @throws IllegalArgumentException with a one-line message naming the expected form or the maximum */
    static Duration parse(String text) {
        Duration ttl;
        try {
            ttl = DurationText.parseSimple(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "ttl '" + OneLine.of(String.valueOf(text)) + "' is not valid: expected a number and a unit,"
                            + " e.g. 90m, 2h or 7d",
                    e);
        }
        if (ttl.isZero()) {
            throw new IllegalArgumentException("ttl '" + OneLine.of(text) + "' is not valid: it must be longer than 0");
        }
        if (ttl.compareTo(AccessToken.MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("ttl '" + OneLine.of(text) + "' is longer than the maximum of "
                    + AccessToken.MAX_LIFETIME.toDays() + " days");
        }
        return ttl;
    }
}
