package dev.secureconnect.server.listener;

/**
 * The caps on a listener's connections whose TLS handshake has not finished ("half-open"): a connection over the
 * per-source cap is closed at accept, before TLS; at the per-listener cap the listener stops accepting until they are
 * down to 90 % of it, new connections waiting in the kernel's short accept queue (or their SYNs dropped once it is
 * full). Together with the handshake time-out counted from accept they bound what idle or slow connections can hold:
 * at most {@code perListener} of them, for at most the time-out each.
 *
 * @param perSource connections from one address, default 64
 * @param perListener connections from all addresses, default 2048
 */
public record HalfOpenLimits(int perSource, int perListener) {

    /** 64 per address, 2048 in all. */
    public static final HalfOpenLimits DEFAULT = new HalfOpenLimits(64, 2048);

    public HalfOpenLimits {
        if (perSource < 1 || perListener < 1) {
            throw new IllegalArgumentException(
                    "half-open limits must be at least 1: " + perSource + ", " + perListener);
        }
    }
}
