package dev.secureconnect.export.format;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** An event's {@code sourceAddress} split into an IP literal and a port, when it is one ({@code ip:port}). */
record SourceAddress(String ip, @Nullable Integer port) {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * {@code 192.0.2.1:443}, {@code [2001:db8::1]:443}, a bare IPv4 or IPv6 literal; null for anything else (a host
     * name, garbage), which the caller then carries as text.
     */
    static @Nullable SourceAddress parse(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            String ip = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!IPV6.matcher(ip).matches()) {
                return null;
            }
            if (rest.isEmpty()) {
                return new SourceAddress(ip, null);
            }
            Integer port = rest.startsWith(":") ? port(rest.substring(1)) : null;
            return port == null ? null : new SourceAddress(ip, port);
        }
        if (IPV4.matcher(text).matches()
                || (IPV6.matcher(text).matches() && text.indexOf(':') != text.lastIndexOf(':'))) {
            return new SourceAddress(text, null);
        }
        int colon = text.lastIndexOf(':');
        if (colon > 0
                && text.indexOf(':') == colon
                && IPV4.matcher(text.substring(0, colon)).matches()) {
            Integer port = port(text.substring(colon + 1));
            return port == null ? null : new SourceAddress(text.substring(0, colon), port);
        }
        return null;
    }

    private static @Nullable Integer port(String digits) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int port = Integer.parseInt(digits);
        return port <= 65_535 ? port : null;
    }
}
