package dev.secureconnect.tunnel.enrolment;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.text.OneLine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-time enrolment code: {@code SC1.<secret>.<root>}, where {@code secret} is 128 random bits and {@code root}
 * the SHA-256 fingerprint of the root CA certificate, both base64url without padding (22 and 43 characters). The
 * appliance pins the root by the fingerprint before it sends anything (as {@code step ca bootstrap --fingerprint} and
 * Teleport's CA pins do); the server keeps only the {@linkplain #secretHash() hash of the secret}.
 *
 * <p>{@code toString()} names the code's {@linkplain #id() id}, never its secret.
 */
public final class EnrolmentCode {

    static final String PREFIX = "SC1";
    private static final int SECRET_BYTES = 16;
    private static final Pattern FORM = Pattern.compile(PREFIX + "\\.([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;
    private final CertificateFingerprint root;

    private EnrolmentCode(byte[] secret, CertificateFingerprint root) {
        this.secret = secret.clone();
        this.root = requireNonNull(root, "root");
    }

    /** A new code with a fresh random secret, pinning {@code root}. */
    public static EnrolmentCode generate(CertificateFingerprint root) {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new EnrolmentCode(secret, root);
    }

    /**
     * Reads a code as the operator printed it (surrounding white space is ignored).
     *
     * @throws InvalidEnrolmentCodeException one line naming the expected form
     */
    public static EnrolmentCode parse(String text) {
        String value = text == null ? "" : text.strip();
        Matcher form = FORM.matcher(value);
        if (!form.matches()) {
            throw new InvalidEnrolmentCodeException("enrolment code " + OneLine.quoted(value, 24)
                    + " is not valid: expected SC1.<22 characters>.<43 characters>, as 'sc-server appliances invite'"
                    + " printed it");
        }
        Base64.Decoder base64 = Base64.getUrlDecoder();
        byte[] secret = base64.decode(form.group(1));
        byte[] root = base64.decode(form.group(2));
        if (!form.group(1).equals(encode(secret)) || !form.group(2).equals(encode(root))) {
            // the last character carries bits past the value's end: only one spelling of each value is a code
            throw new InvalidEnrolmentCodeException("enrolment code " + OneLine.quoted(value, 24)
                    + " is not valid: it was altered (check its last" + " characters)");
        }
        return new EnrolmentCode(secret, new CertificateFingerprint(root));
    }

    /** The root CA fingerprint the appliance must find at the top of the server's chain. */
    public CertificateFingerprint root() {
        return root;
    }

    /** The hex SHA-256 of the secret: all the server stores. */
    public String secretHash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A short id for listings and the audit log: the first 8 hex digits of {@link #secretHash()}. */
    public String id() {
        return idOf(secretHash());
    }

    /** The id of the code whose secret hashes to {@code secretHash}. */
    public static String idOf(String secretHash) {
        return secretHash.substring(0, 8);
    }

    /** The code as the operator hands it over. */
    public String text() {
        return PREFIX + "." + encode(secret) + "." + root.thumbprint();
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EnrolmentCode code
                && MessageDigest.isEqual(secret, code.secret)
                && root.equals(code.root);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(secret) * 31 + root.hashCode();
    }

    @Override
    public String toString() {
        return "enrolment code " + id() + " (root " + root.colonHex() + ")";
    }
}
