package dev.secureconnect.crypto.tls;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Refuses, before BoringSSL acts on it, a server's TLS 1.2 ServerKeyExchange signed with a signature algorithm
 * outside {@link TlsPolicy}: a BoringSSL client offers {@code rsa_pkcs1_sha1} in its {@code signature_algorithms}
 * and accepts a ServerKeyExchange signed with it, and netty-tcnative (2.0.74) has no binding to change that list
 * ({@code SSL_CTX_set_verify_algorithm_prefs}). The mirror, on clients, of the listener's
 * {@link CertificateVerifyCheck}.
 *
 * <p>It reads the server's plaintext records with {@link HandshakeRecords}, which pass through it unchanged:
 *
 * <ul>
 *   <li>the ServerHello (type 2): one that selects TLS 1.3 in {@code supported_versions} (a HelloRetryRequest too)
 *       leaves nothing to check, since the server's CertificateVerify is encrypted there and RFC 8446 forbids SHA-1
 *       and SHA-224 in it; the check removes itself;</li>
 *   <li>the ServerKeyExchange (type 12) of a TLS 1.2 ECDHE handshake: its {@code SignatureAndHashAlgorithm} sits
 *       after the key exchange parameters (curve_type, named_curve, the public key's length and the public key), so
 *       the check keeps the message's first 261 bytes at most. One signed with anything but RSA-PSS, PKCS#1 v1.5 or
 *       ECDSA over SHA-256, SHA-384 or SHA-512, or whose parameters are not ECDHE over a named curve or whose public
 *       key's length runs past the message (nothing BoringSSL would accept), gets a {@code handshake_failure} alert
 *       and a closed connection, reported to the {@link HandshakeRefusalListener}: the caller hears a one-line
 *       reason, and the record that completes the message never reaches BoringSSL.</li>
 * </ul>
 *
 * <p>It removes itself at the server's first ChangeCipherSpec or application-data record, and passes on and removes
 * itself at bytes that are not TLS records (see {@link HandshakeRecords}).
 *
 * <p>One per connection, in front of the {@code SslHandler}, on a BoringSSL client only
 * ({@link SslContexts#serverKeyExchangeCheck}): the JDK's client neither offers nor accepts SHA-1 or SHA-224
 * ({@link TlsPolicy#SIGNATURE_CONSTRAINTS}).
 */
final class ServerKeyExchangeCheck extends HandshakeRecords {

    private static final int SERVER_HELLO = 2;
    private static final int SERVER_KEY_EXCHANGE = 12;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int TLS_1_3 = 0x0304;
    /** ECParameters' curve_type for a named curve (RFC 8422, section 5.4), the only one BoringSSL takes. */
    private static final int NAMED_CURVE = 3;
    /** curve_type(1), named_curve(2), the public key's length(1). */
    private static final int PARAMS_HEADER = 4;
    /** The parameters with the longest public key (255 bytes), then the signature algorithm. */
    private static final int ALGORITHM_END_MAX = PARAMS_HEADER + 255 + 2;

    private static final String MALFORMED = "the server sent a malformed TLS 1.2 ServerKeyExchange (";

    ServerKeyExchangeCheck(HandshakeRefusalListener refusals) {
        super(refusals);
    }

    @Override
    int wanted(int type, int length) {
        return switch (type) {
            case SERVER_HELLO -> length;
            case SERVER_KEY_EXCHANGE -> ALGORITHM_END_MAX;
            default -> 0;
        };
    }

    @Override
    @Nullable
    String check(int type, int length, ByteBuf start) {
        if (type == SERVER_HELLO) {
            if (selectsTls13(start)) {
                finished();
            }
            return null;
        }
        if (start.readableBytes() < PARAMS_HEADER) {
            return MALFORMED + length + " bytes, expected: ECDHE parameters and a signature)";
        }
        int curveType = start.getUnsignedByte(0);
        if (curveType != NAMED_CURVE) {
            return MALFORMED + "curve type " + curveType + ", expected: 3, a named curve)";
        }
        int publicKey = start.getUnsignedByte(3);
        int algorithmEnd = PARAMS_HEADER + publicKey + 2;
        if (publicKey == 0 || algorithmEnd > length) {
            return MALFORMED + "a public key of " + publicKey + " bytes in a message of " + length + ")";
        }
        int scheme = start.getUnsignedShort(algorithmEnd - 2);
        if (POLICY_SIGNATURES.contains(scheme)) {
            return null;
        }
        return "the server signed its TLS 1.2 ServerKeyExchange with " + signatureName(scheme)
                + ", which the TLS policy does not allow (" + POLICY_SIGNATURES_EXPECTED + ")";
    }

    /** Whether {@code serverHello} (its body) selects TLS 1.3; false too when it cannot be read (BoringSSL refuses it). */
    private static boolean selectsTls13(ByteBuf serverHello) {
        ByteBuf hello = serverHello.duplicate();
        try {
            hello.skipBytes(2 + 32); // legacy_version, random
            hello.skipBytes(hello.readUnsignedByte()); // legacy_session_id_echo
            hello.skipBytes(2 + 1); // cipher_suite, legacy_compression_method
            if (!hello.isReadable()) {
                return false;
            }
            ByteBuf extensions = hello.readSlice(hello.readUnsignedShort());
            while (extensions.readableBytes() >= 4) {
                int type = extensions.readUnsignedShort();
                ByteBuf data = extensions.readSlice(extensions.readUnsignedShort());
                if (type == SUPPORTED_VERSIONS && data.readableBytes() == 2) {
                    return data.readUnsignedShort() == TLS_1_3;
                }
            }
            return false;
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
    }
}
