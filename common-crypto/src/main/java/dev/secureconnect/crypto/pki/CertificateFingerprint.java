package dev.secureconnect.crypto.pki;

import dev.secureconnect.crypto.CryptoException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/** The SHA-256 digest of a certificate's DER encoding: its fingerprint and RFC 8705 thumbprint. */
public record CertificateFingerprint(byte[] sha256) {

    public CertificateFingerprint {
        sha256 = sha256.clone();
    }

    public static CertificateFingerprint of(X509Certificate certificate) {
        try {
            return new CertificateFingerprint(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new CryptoException("cannot compute the certificate's SHA-256 fingerprint", e);
        }
    }

    /** As {@code openssl x509 -fingerprint -sha256} prints it: {@code AB:CD:…}. */
    public String colonHex() {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256);
    }

    /** The {@code x5t#S256} form of RFC 8705: base64url without padding. */
    public String thumbprint() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256);
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateFingerprint that && java.util.Arrays.equals(sha256, that.sha256);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "SHA256:" + colonHex();
    }
}
