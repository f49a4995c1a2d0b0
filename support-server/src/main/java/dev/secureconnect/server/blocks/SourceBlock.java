package dev.secureconnect.server.blocks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.config.AddressRanges;
import java.net.InetAddress;
import java.time.Instant;

/**
 * A source address blocked until {@code until}: the listeners close its connections at accept, before TLS.
 *
 * @param source the address, without a port ({@code 192.0.2.7}, {@code 2001:db8::7})
 * @param reason what failed repeatedly: {@code handshake}, {@code token} or {@code totp}
 * @param failures how many failures within the window led to the block
 */
public record SourceBlock(String source, String reason, int failures, Instant blockedAt, Instant until) {

    public SourceBlock {
        requireNonNull(source, "source");
        requireNonNull(reason, "reason");
        requireNonNull(blockedAt, "blockedAt");
        requireNonNull(until, "until");
    }

    /**
     * The address as blocks name it ({@link InetAddress#getHostAddress()}: {@code 2001:db8::7} is
     * {@code 2001:db8:0:0:0:0:0:7}), from an address typed by an operator.
     *
     * @throws IllegalArgumentException if {@code typed} is not a literal IPv4 or IPv6 address (a name is never looked up)
     */
    public static String canonical(String typed) {
        return AddressRanges.literal(typed).getHostAddress();
    }
}
