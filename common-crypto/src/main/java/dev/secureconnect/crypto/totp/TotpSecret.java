package dev.secureconnect.crypto.totp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * An engineer's TOTP secret: {@value #BITS} random bits, written in base32 (RFC 4648, upper case, no padding: exactly
 * {@value #BASE32_LENGTH} characters) as authenticator apps and {@code oathtool -b} read it.
 *
 * <p>{@link #toString()} hides the value; {@link #base32()} is the only way to it. Equality is compared in constant
 * time.
 */
public final class TotpSecret {

    /** The size of a secret: 160 bits, the length of an HMAC-SHA1 key that RFC 4226 recommends. */
    public static final int BITS = 160;

    /** The length of a secret in base32. */
    public static final int BASE32_LENGTH = BITS / 5;

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]{" + BASE32_LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String base32;

    private TotpSecret(String base32) {
        this.base32 = base32;
    }

    /** A new secret from a {@link SecureRandom}. */
    public static TotpSecret generate() {
        return generate(RANDOM);
    }

    /** A new secret from {@code random}; anything but a {@link SecureRandom} is for tests. */
    static TotpSecret generate(Random random) {
        requireNonNull(random, "random");
        byte[] bytes = new byte[BITS / 8];
        random.nextBytes(bytes);
        return new TotpSecret(encode(bytes));
    }

    /**
     * A secret as {@link #base32()} wrote it (lower case is accepted).
     *
     * @throws CryptoException if it is not {@value #BASE32_LENGTH} base32 characters; the message does not repeat
     *     the value
     */
    public static TotpSecret ofBase32(String base32) {
        requireNonNull(base32, "base32");
        String upper = base32.toUpperCase(Locale.ROOT);
        if (!BASE32.matcher(upper).matches()) {
            throw new CryptoException("a TOTP secret must be " + BASE32_LENGTH + " base32 characters (A-Z, 2-7), got "
                    + base32.length() + " characters that are not");
        }
        return new TotpSecret(upper);
    }

    /** The secret in base32, {@value #BASE32_LENGTH} characters: as secret as the secret itself. */
    public String base32() {
        return base32;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TotpSecret that
                && MessageDigest.isEqual(base32.getBytes(US_ASCII), that.base32.getBytes(US_ASCII));
    }

    @Override
    public int hashCode() {
        return TotpSecret.class.hashCode(); // no hint of the value; secrets are not kept in hash sets
    }

    @Override
    public String toString() {
        return "TotpSecret[***]";
    }

    /** RFC 4648 base32 of a length that is a multiple of 5 bytes, so no padding. */
    private static String encode(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                text.append(ALPHABET[(buffer >>> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        return text.toString();
    }
}
