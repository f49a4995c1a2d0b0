package dev.secureconnect.crypto.tls;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Refuses, before BoringSSL sees it, a client's TLS 1.2 CertificateVerify signed with a signature algorithm outside
 * {@link TlsPolicy}: BoringSSL's CertificateRequest lists {@code rsa_pkcs1_sha1} among the algorithms it accepts
 * from the client, and netty-tcnative (2.0.74) has no binding to change that list
 * ({@code SSL_CTX_set_verify_algorithm_prefs}), so a client that offers SHA-256 in its ClientHello (which
 * {@link ClientHelloCheck} lets through) could still sign its CertificateVerify with SHA-1 and be let in.
 *
 * <p>It reads the client's plaintext records with {@link HandshakeRecords}, which pass through it unchanged: of a
 * CertificateVerify (type 15) its {@code SignatureAndHashAlgorithm}, so nothing is kept beyond its first 2 bytes. A
 * CertificateVerify signed with anything but RSA-PSS, PKCS#1 v1.5 or ECDSA over SHA-256, SHA-384 or SHA-512 gets a
 * {@code handshake_failure} alert and a closed connection, reported to the {@link HandshakeRefusalListener} as
 * {@link ClientHelloCheck}'s refusals are; the record that carries its algorithm never reaches BoringSSL.
 *
 * <p>It removes itself at the client's first ChangeCipherSpec or application-data record: from there on, everything
 * the client sends is encrypted. Under TLS 1.3 the client's CertificateVerify is encrypted too, and there is nothing
 * to check: RFC 8446 (section 4.2.3) forbids SHA-1 and SHA-224 in TLS 1.3 CertificateVerify signatures (the
 * {@code rsa_pkcs1_*} schemes are for certificates only), and BoringSSL refuses them under TLS 1.3. A TLS 1.2 client
 * that sends a ChangeCipherSpec or application data before its CertificateVerify breaks the handshake's order, and
 * BoringSSL ends the connection itself ({@code UNEXPECTED_RECORD}). Bytes that are not TLS records are left to
 * BoringSSL, which refuses them too (see {@link HandshakeRecords}).
 *
 * <p>One per connection, behind the {@link ClientHelloCheck} and in front of the {@code SslHandler}, on a BoringSSL
 * listener only ({@link SslContexts#certificateVerifyCheck}): the JDK's listener neither asks for nor accepts SHA-1
 * or SHA-224 ({@link TlsPolicy#SIGNATURE_CONSTRAINTS}). Its mirror on clients is {@link ServerKeyExchangeCheck}.
 */
final class CertificateVerifyCheck extends HandshakeRecords {

    private static final int CERTIFICATE_VERIFY = 15;
    /** A CertificateVerify's body starts with its signature algorithm. */
    private static final int SIGNATURE_ALGORITHM = 2;

    CertificateVerifyCheck(HandshakeRefusalListener refusals) {
        super(refusals);
    }

    @Override
    int wanted(int type, int length) {
        return type == CERTIFICATE_VERIFY ? SIGNATURE_ALGORITHM : 0;
    }

    @Override
    @Nullable
    String check(int type, int length, ByteBuf start) {
        if (start.readableBytes() < SIGNATURE_ALGORITHM) {
            return null; // too short a CertificateVerify: BoringSSL refuses it as malformed
        }
        int scheme = start.getUnsignedShort(0);
        if (POLICY_SIGNATURES.contains(scheme)) {
            return null;
        }
        return "the client signed its TLS 1.2 CertificateVerify with " + signatureName(scheme)
                + ", which the TLS policy does not allow (" + POLICY_SIGNATURES_EXPECTED + ")";
    }
}
