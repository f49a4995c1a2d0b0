package dev.secureconnect.bench.datapath;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What one stream of a throughput measurement moves: {@code size} bytes, cut in chunks from one shared pseudo-random
 * block at offsets that depend on the stream's number and the chunk's, so no two streams and no two neighbouring
 * chunks carry the same bytes (a reordered or duplicated chunk changes the checksum) while nothing is generated during
 * the timed transfer. Uploaded, it is preceded by its length, 8 bytes big-endian, as the checksum sink expects;
 * downloaded, the source sends the bytes alone after the client asked for them by stream number and size.
 */
record Payload(int stream, long size) {

    static final int CHUNK = 64 * 1024;
    private static final int BLOCK = 8 * 1024 * 1024;
    private static final byte[] BYTES = randomBytes(BLOCK + CHUNK);

    Payload {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
    }

    /** {@code total} bytes split between {@code streams} payloads (the first ones take the remainder). */
    static List<Payload> split(long total, int streams) {
        List<Payload> payloads = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            payloads.add(new Payload(i, total / streams + (i < total % streams ? 1 : 0)));
        }
        return payloads;
    }

    /** Writes the length, then the bytes. */
    void writeTo(OutputStream out) throws IOException {
        byte[] length = new byte[8];
        for (int i = 0; i < 8; i++) {
            length[i] = (byte) (size >>> (56 - 8 * i));
        }
        out.write(length);
        writeBytesTo(out);
    }

    /** Writes the bytes alone (what the source service sends). */
    void writeBytesTo(OutputStream out) throws IOException {
        long chunks = (size + CHUNK - 1) / CHUNK;
        for (long i = 0; i < chunks; i++) {
            out.write(BYTES, offset(i), chunkLength(i));
        }
        out.flush();
    }

    /** The SHA-256 of the bytes (not of the length). */
    byte[] sha256() {
        MessageDigest digest = sha256Digest();
        long chunks = (size + CHUNK - 1) / CHUNK;
        for (long i = 0; i < chunks; i++) {
            digest.update(BYTES, offset(i), chunkLength(i));
        }
        return digest.digest();
    }

    private int offset(long chunk) {
        return (int) Math.floorMod(chunk * 1_000_003L + stream * 7_919L, (long) BLOCK);
    }

    private int chunkLength(long chunk) {
        return (int) Math.min(CHUNK, size - chunk * CHUNK);
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(20260307L).nextBytes(bytes);
        return bytes;
    }
}
