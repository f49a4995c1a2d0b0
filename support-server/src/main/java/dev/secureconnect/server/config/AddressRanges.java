package dev.secureconnect.server.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Addresses and CIDR ranges ({@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code ::1}) given as literals, never looked up. */
public final class AddressRanges {

    private record Range(byte[] network, int prefix) {}

    private final List<Range> ranges;

    /** @throws IllegalArgumentException for an entry that is not a literal address or range */
    public AddressRanges(List<String> entries) {
        this.ranges = entries.stream().map(AddressRanges::parse).toList();
    }

    /** Whether {@code address} is one of the addresses or in one of the ranges. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range range : ranges) {
            if (range.network().length == bytes.length && samePrefix(range.network(), bytes, range.prefix())) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int prefix) {
        int bits = a.length * 8;
        BigInteger mask = BigInteger.ONE
                .shiftLeft(bits)
                .subtract(BigInteger.ONE)
                .shiftRight(prefix)
                .xor(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
    }

    private static Range parse(String entry) {
        String text = entry.strip();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        try {
            byte[] network = literal(host).getAddress();
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("'" + entry + "' has a prefix length out of range");
            }
            return new Range(network, prefix);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException(
                    "'" + entry + "' is not a literal address or CIDR range" + " (e.g. 192.0.2.7, 10.0.0.0/8, ::1)", e);
        }
    }

    /**
     * The IPv4 or IPv6 address written in {@code text}; a name is never looked up.
     *
     * @throws IllegalArgumentException if {@code text} is not a literal address
     */
    public static InetAddress literal(String text) {
        String host = text.strip();
        boolean literal = !host.isEmpty()
                && (host.contains(":")
                        ? host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)
                        : host.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (literal) {
            try {
                return InetAddress.getByName(host); // a literal: no lookup
            } catch (UnknownHostException e) {
                // not an address after all: refused below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address (e.g. 192.0.2.7 or 2001:db8::7)");
    }
}
