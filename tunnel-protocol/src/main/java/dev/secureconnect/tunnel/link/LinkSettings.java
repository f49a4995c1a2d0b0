package dev.secureconnect.tunnel.link;

import java.time.Duration;
import java.util.Objects;

/**
 * The tunable parts of a link.
 *
 * @param streamWindowBytes the HTTP/2 flow-control window of each stream: how many bytes may be in flight on one
 *     stream before the receiver acknowledges; the connection window is twice this. Bigger means more throughput
 *     on a long fat link and more memory per busy stream.
 * @param maxConcurrentStreams the most streams one link carries at once; the peer refuses more
 * @param keepAliveInterval how often a PING is sent when the link is otherwise quiet
 * @param deadLinkTimeout how long without any frame from the peer before the link is declared dead and closed
 */
public record LinkSettings(
        int streamWindowBytes, int maxConcurrentStreams, Duration keepAliveInterval, Duration deadLinkTimeout) {

    /** 1 MiB windows, 256 streams, PING every 20 s, dead after 60 s of silence. */
    public static final LinkSettings DEFAULT =
            new LinkSettings(1 << 20, 256, Duration.ofSeconds(20), Duration.ofSeconds(60));

    public LinkSettings {
        if (streamWindowBytes < 65_535 || streamWindowBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(
                    "streamWindowBytes: " + streamWindowBytes + " (expected: 65535 to 1073741823)");
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: > 0)");
        }
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(deadLinkTimeout, "deadLinkTimeout");
        if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
            throw new IllegalArgumentException("keepAliveInterval: " + keepAliveInterval + " (expected: > 0)");
        }
        if (deadLinkTimeout.compareTo(keepAliveInterval) <= 0) {
            throw new IllegalArgumentException("deadLinkTimeout: " + deadLinkTimeout
                    + " (expected: > keepAliveInterval " + keepAliveInterval + ")");
        }
    }
}
