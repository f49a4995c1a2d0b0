package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * One key a listener seals its TLS session tickets with (RFC 8446 §4.6.1, RFC 5077): {@value #BYTES} random bytes, in
 * netty-tcnative's layout — a 16-byte name (sent in the clear at the head of every ticket, so that the listener knows
 * which key opens it), a 16-byte HMAC-SHA256 key and a 16-byte AES-128-CBC key — and the instant it was made, from
 * which its rotation is counted. See {@link SslContexts#useSessionTicketKeys}.
 *
 * <p>Secret: whoever holds it can open the tickets sealed with it and resume their sessions (as the appliance, or as
 * the server to the appliance) until they expire. {@link #toString()} shows its name and age, never the key.
 *
 * @param created when the key was made
 * @param bytes the key; copied in and out
 */
public record SessionTicketKey(Instant created, byte[] bytes) {

    /** The size of a key: name, HMAC key and AES key of 16 bytes each. */
    public static final int BYTES = 48;

    private static final int PART = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public SessionTicketKey {
        requireNonNull(created, "created");
        if (requireNonNull(bytes, "bytes").length != BYTES) {
            throw new IllegalArgumentException("bytes: " + bytes.length + " bytes (expected: " + BYTES + ")");
        }
        bytes = bytes.clone();
    }

    /** A new random key made at {@code now}. */
    public static SessionTicketKey generate(Instant now) {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        try {
            return new SessionTicketKey(now, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The key's name, in hex: what every ticket sealed with it starts with (not secret). */
    public String name() {
        return HexFormat.of().formatHex(bytes, 0, PART);
    }

    byte[] namePart() {
        return Arrays.copyOfRange(bytes, 0, PART);
    }

    byte[] hmacPart() {
        return Arrays.copyOfRange(bytes, PART, 2 * PART);
    }

    byte[] aesPart() {
        return Arrays.copyOfRange(bytes, 2 * PART, 3 * PART);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof SessionTicketKey key && created.equals(key.created) && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * created.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SessionTicketKey[name=" + name() + ", created=" + created + "]";
    }
}
