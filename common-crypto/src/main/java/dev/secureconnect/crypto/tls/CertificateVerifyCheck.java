package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Refuses, before BoringSSL sees it, a client's TLS 1.2 CertificateVerify signed with a signature algorithm outside
 * {@link TlsPolicy}: BoringSSL's CertificateRequest lists {@code rsa_pkcs1_sha1} among the algorithms it accepts
 * from the client, and netty-tcnative (2.0.74) has no binding to change that list
 * ({@code SSL_CTX_set_verify_algorithm_prefs}), so a client that offers SHA-256 in its ClientHello (which
 * {@link ClientHelloCheck} lets through) could still sign its CertificateVerify with SHA-1 and be let in.
 *
 * <p>It reads the client's plaintext records, which pass through it unchanged, and the handshake messages in them
 * (a message may span records, and a record may carry several): only the type and length of each, and of a
 * CertificateVerify (type 15) its {@code SignatureAndHashAlgorithm}, so nothing is reassembled beyond a 6-byte
 * header. A CertificateVerify signed with anything but RSA-PSS, PKCS#1 v1.5 or ECDSA over SHA-256, SHA-384 or
 * SHA-512 gets a {@code handshake_failure} alert and a closed connection, reported to the
 * {@link HandshakeRefusalListener} as {@link ClientHelloCheck}'s refusals are; the record that carries its algorithm
 * never reaches BoringSSL, which acts on a handshake message only once it has all of it.
 *
 * <p>It removes itself at the client's first ChangeCipherSpec or application-data record: from there on, everything
 * the client sends is encrypted. Under TLS 1.3 the client's CertificateVerify is encrypted too, and there is nothing
 * to check: RFC 8446 (section 4.2.3) forbids SHA-1 and SHA-224 in TLS 1.3 CertificateVerify signatures (the
 * {@code rsa_pkcs1_*} schemes are for certificates only), and BoringSSL refuses them under TLS 1.3. A TLS 1.2 client
 * that sends a ChangeCipherSpec or application data before its CertificateVerify breaks the handshake's order, and
 * BoringSSL ends the connection itself ({@code UNEXPECTED_RECORD}). Bytes that are not TLS records (a record type
 * other than 20-23, a major version other than 3, a length over 2^14 + 2048) are left to BoringSSL, which refuses
 * them too; the check passes them on and removes itself. So it holds at most one incomplete record.
 *
 * <p>One per connection, behind the {@link ClientHelloCheck} and in front of the {@code SslHandler}, on a BoringSSL
 * listener only ({@link SslContexts#certificateVerifyCheck}): the JDK's listener neither asks for nor accepts SHA-1
 * or SHA-224 ({@link TlsPolicy#SIGNATURE_CONSTRAINTS}).
 */
final class CertificateVerifyCheck extends ByteToMessageDecoder {

    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int APPLICATION_DATA = 23;
    private static final int HANDSHAKE = 22;
    private static final int RECORD_HEADER = 5;
    /** The longest record BoringSSL takes (RFC 5246, section 6.2.3: 2^14 + 2048). */
    private static final int MAX_RECORD = (1 << 14) + 2048;

    private static final int CERTIFICATE_VERIFY = 15;
    /** A handshake message's type and 24-bit length, then a CertificateVerify's signature algorithm. */
    private static final int MESSAGE_HEADER = 4;

    private static final int SIGNATURE_ALGORITHM_END = MESSAGE_HEADER + 2;

    /**
     * The TLS 1.2 signature schemes of the policy: {@code rsa_pkcs1_sha256/384/512},
     * {@code ecdsa_secp256r1_sha256}/{@code ecdsa_secp384r1_sha384}/{@code ecdsa_secp521r1_sha512},
     * {@code rsa_pss_rsae_sha256/384/512} and {@code rsa_pss_pss_sha256/384/512}.
     */
    private static final Set<Integer> POLICY_SIGNATURES =
            Set.of(0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b);

    /** The names of the schemes a client may try that the policy refuses (RFC 5246 and RFC 8446 names). */
    private static final Map<Integer, String> REFUSED_NAMES = Map.of(
            0x0101, "rsa_pkcs1_md5",
            0x0103, "ecdsa_md5",
            0x0201, "rsa_pkcs1_sha1",
            0x0202, "dsa_sha1",
            0x0203, "ecdsa_sha1",
            0x0301, "rsa_pkcs1_sha224",
            0x0302, "dsa_sha224",
            0x0303, "ecdsa_sha224");

    private final HandshakeRefusalListener refusals;

    /** The start of the handshake message being read: its type, length and, of a CertificateVerify, the algorithm. */
    private final byte[] head = new byte[SIGNATURE_ALGORITHM_END];

    private int headRead;
    /** What remains of the current handshake message's body once its head is read. */
    private int bodyLeft;
    /** Set once a CertificateVerify is refused: whatever else the peer sends is dropped, and not checked again. */
    private boolean refused;

    CertificateVerifyCheck(HandshakeRefusalListener refusals) {
        this.refusals = requireNonNull(refusals, "refusals");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int checked = 0;
        while (in.readableBytes() - checked >= RECORD_HEADER) {
            int at = in.readerIndex() + checked;
            int type = in.getUnsignedByte(at);
            int length = in.getUnsignedShort(at + 3);
            boolean record = type >= CHANGE_CIPHER_SPEC
                    && type <= APPLICATION_DATA
                    && in.getUnsignedByte(at + 1) == 3
                    && length <= MAX_RECORD;
            if (!record || type == CHANGE_CIPHER_SPEC || type == APPLICATION_DATA) {
                // encrypted from here on (or not TLS at all, which BoringSSL refuses): nothing left to check
                out.add(in.readRetainedSlice(in.readableBytes()));
                ctx.pipeline().remove(this);
                return;
            }
            if (in.readableBytes() - checked < RECORD_HEADER + length) {
                break;
            }
            String refusal = type == HANDSHAKE ? scan(in, at + RECORD_HEADER, length) : null;
            if (refusal != null) {
                refused = true;
                in.skipBytes(in.readableBytes());
                out.forEach(ReferenceCountUtil::release);
                out.clear();
                ClientHelloCheck.refuse(ctx, refusals, refusal);
                return;
            }
            checked += RECORD_HEADER + length;
        }
        if (checked > 0) {
            out.add(in.readRetainedSlice(checked));
        }
    }

    /**
     * Follows the handshake messages through one record's fragment ({@code length} bytes of {@code in} from
     * {@code from}); why the client must not be let in, or null.
     */
    private @Nullable String scan(ByteBuf in, int from, int length) {
        int at = from;
        int end = from + length;
        while (at < end) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, end - at);
                bodyLeft -= skipped;
                at += skipped;
                continue;
            }
            head[headRead++] = in.getByte(at++);
            int messageLength = ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
            if (headRead == MESSAGE_HEADER) {
                if ((head[0] & 0xff) != CERTIFICATE_VERIFY || messageLength < 2) {
                    bodyLeft = messageLength; // too short a CertificateVerify: BoringSSL refuses it as malformed
                    headRead = 0;
                }
            } else if (headRead == SIGNATURE_ALGORITHM_END) {
                bodyLeft = messageLength - 2;
                headRead = 0;
                int scheme = ((head[4] & 0xff) << 8) | (head[5] & 0xff);
                if (!POLICY_SIGNATURES.contains(scheme)) {
                    return "the client signed its TLS 1.2 CertificateVerify with " + name(scheme)
                            + ", which the TLS policy does not allow (expected: RSA-PSS, PKCS#1 v1.5 or ECDSA over"
                            + " SHA-256, SHA-384 or SHA-512)";
                }
            }
        }
        return null;
    }

    /** A signature scheme's name, or its number where it has no name here. */
    private static String name(int scheme) {
        String name = REFUSED_NAMES.get(scheme);
        return name != null ? name : String.format(Locale.ROOT, "signature scheme 0x%04x", scheme);
    }
}
