package dev.secureconnect.appliance.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB} (also KB/MB/GB = 1000ⁿ). */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kib|mib|gib|kb|mb|gb|k|m|g)?");

    private ByteSizes() {}

    /** @throws IllegalArgumentException naming the expected form */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a size (expected e.g. 65536, 512KiB, 64MiB, 1GiB)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor =
                switch (unit) {
                    case "kib", "k" -> 1L << 10;
                    case "mib", "m" -> 1L << 20;
                    case "gib", "g" -> 1L << 30;
                    case "kb" -> 1_000L;
                    case "mb" -> 1_000_000L;
                    case "gb" -> 1_000_000_000L;
                    default -> 1L;
                };
        try {
            return Math.multiplyExact(amount, factor);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large", e);
        }
    }

    /** The shortest exact binary form: {@code 64MiB}, {@code 512KiB}, {@code 1000}. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KiB";
        }
        return Long.toString(bytes);
    }
}
