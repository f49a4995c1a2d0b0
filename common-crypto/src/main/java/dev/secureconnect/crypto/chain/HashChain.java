package dev.secureconnect.crypto.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SHA-256 hash chain of SecureConnect's append-only logs: each record's hash covers the previous record's
 * hash and the record's own canonical bytes, so an edited, removed or reordered record breaks every hash after
 * it.
 *
 * <p>{@code hash(n) = SHA-256(hex(hash(n-1)) || 0x0A || canonical(n))}, hashes written as lower-case hex, the
 * first record chained to {@link #GENESIS}. {@link ChainWalk} checks a chain record by record.
 *
 * <p>The canonical bytes are each log's own and stay so, since changing them would change the hashes of records
 * already stored: the server's audit log hashes {@code secureconnect-audit-v1} {@code name=value} lines with
 * length-prefixed text (one per database column), the appliance's audit log the compact JSON of its line without
 * {@code prevHash} and {@code hash}.
 */
public final class HashChain {

    /** The "previous hash" of the first record: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private HashChain() {}

    public static String link(String previousHash, byte[] canonicalRecord) {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(canonicalRecord, "canonicalRecord");
        MessageDigest sha256 = sha256();
        sha256.update(previousHash.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sha256.update((byte) '\n');
        sha256.update(canonicalRecord);
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** SHA-256 of {@code content} as lower-case hex: the digest the logs record of a file or bundle they name. */
    public static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(Objects.requireNonNull(content, "content")));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
