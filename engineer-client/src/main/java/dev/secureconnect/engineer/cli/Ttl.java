package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A token lifetime as the engineer types it: {@code 90m}, {@code 2h}, {@code 7d} (also {@code 3600s}), at most 7 days. */
final class Ttl {

    private static final Pattern FORM = Pattern.compile("(\\d{1,7})(s|m|h|d)");

    private Ttl() {}

    /** @throws IllegalArgumentException with a one-line message naming the expected form or the maximum */
    static Duration parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher form = FORM.matcher(value);
        if (!form.matches()) {
            throw new IllegalArgumentException(
                    "ttl '" + OneLine.of(text) + "' is not valid: expected a number and a unit, e.g. 90m, 2h or 7d");
        }
        long amount = Long.parseLong(form.group(1));
        Duration ttl =
                switch (form.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
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
