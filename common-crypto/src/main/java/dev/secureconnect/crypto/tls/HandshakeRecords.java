package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a peer's plaintext TLS records, in front of BoringSSL's {@code SslHandler}, and follows the handshake
 * messages in them (a message may span records, and a record may carry several), so that a check can refuse a
 * message before BoringSSL acts on it: the one home of {@link CertificateVerifyCheck} (a listener reading its
 * client) and {@link ServerKeyExchangeCheck} (a client reading its server).
 *
 * <p>Every byte passes through unchanged, a record at a time: a record is passed on once it is whole and its
 * messages are checked, so the record that completes a refused message never reaches BoringSSL, which acts on a
 * handshake message only once it has all of it. Of each message it keeps the start the check asks for
 * ({@link #wanted}, at most {@link #MAX_RECORD} bytes) and skips the rest. A refused message gets the peer a
 * {@code handshake_failure} alert and a closed connection, reported to the {@link HandshakeRefusalListener}; what
 * else the peer sends is dropped.
 *
 * <p>It removes itself at the peer's first ChangeCipherSpec or application-data record (everything the peer sends
 * from there on is encrypted), when the check says there is nothing more to check ({@link #finished}, e.g. under
 * TLS 1.3), or at bytes that are not TLS records (a record type other than 20-23, a major version other than 3, a
 * length over 2^14 + 2048), which it passes on to BoringSSL, which refuses them too. So it holds at most one
 * incomplete record, and the start of one message.
 */
abstract class HandshakeRecords extends ByteToMessageDecoder {

    /** The longest record BoringSSL takes (RFC 5246, section 6.2.3: 2^14 + 2048). */
    static final int MAX_RECORD = (1 << 14) + 2048;

    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    private static final int RECORD_HEADER = 5;
    /** A handshake message's type and 24-bit length. */
    private static final int MESSAGE_HEADER = 4;

    /**
     * The TLS 1.2 signature schemes of the policy: {@code rsa_pkcs1_sha256/384/512},
     * {@code ecdsa_secp256r1_sha256}/{@code ecdsa_secp384r1_sha384}/{@code ecdsa_secp521r1_sha512},
     * {@code rsa_pss_rsae_sha256/384/512} and {@code rsa_pss_pss_sha256/384/512}.
     */
    static final Set<Integer> POLICY_SIGNATURES =
            Set.of(0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b);

    /** What a refusal of a scheme outside {@link #POLICY_SIGNATURES} says the policy expects. */
    static final String POLICY_SIGNATURES_EXPECTED =
            "expected: RSA-PSS, PKCS#1 v1.5 or ECDSA over SHA-256, SHA-384 or SHA-512";

    /** The names of the schemes a peer may try that the policy refuses (RFC 5246 and RFC 8446 names). */
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

    /** The current message's type and length, as they are read. */
    private final byte[] header = new byte[MESSAGE_HEADER];

    private int headerRead;
    /** The start of the current message's body the check wants, or null while none is wanted. */
    private byte @Nullable [] start;

    private int startRead;
    /** What remains of the current message's body once its start is read. */
    private int bodyLeft;
    /** Set once a message is refused: whatever else the peer sends is dropped, and not checked again. */
    private boolean refused;
    /** Set by the check when there is nothing more to check. */
    private boolean finished;

    HandshakeRecords(HandshakeRefusalListener refusals) {
        this.refusals = requireNonNull(refusals, "refusals");
    }

    /**
     * How many bytes of the body of a handshake message of {@code type} and {@code length} the check must see; 0 for
     * a message it does not check. Capped at {@link #MAX_RECORD} and at {@code length}.
     */
    abstract int wanted(int type, int length);

    /**
     * Checks a message of {@code type} whose body is {@code length} bytes long, of which {@code start} holds the
     * first {@code min(wanted, length)}: why the peer must not be let in (one line), or null.
     */
    abstract @Nullable String check(int type, int length, ByteBuf start);

    /** Called by {@link #check}: there is nothing more to check; the record read so far goes on and the check leaves. */
    final void finished() {
        finished = true;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
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
                leave(ctx, in, out);
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
            if (finished) {
                leave(ctx, in, out);
                return;
            }
            checked += RECORD_HEADER + length;
        }
        if (checked > 0) {
            out.add(in.readRetainedSlice(checked));
        }
    }

    /** Passes on everything that is left and takes the check out of the pipeline. */
    private void leave(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        start = null;
        out.add(in.readRetainedSlice(in.readableBytes()));
        ctx.pipeline().remove(this);
    }

    /**
     * Follows the handshake messages through one record's fragment ({@code length} bytes of {@code in} from
     * {@code from}); why the peer must not be let in, or null.
     */
    private @Nullable String scan(ByteBuf in, int from, int length) {
        int at = from;
        int end = from + length;
        while (at < end && !finished) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, end - at);
                bodyLeft -= skipped;
                at += skipped;
                continue;
            }
            byte[] wantedStart = start;
            if (wantedStart == null) {
                header[headerRead++] = in.getByte(at++);
                if (headerRead < MESSAGE_HEADER) {
                    continue;
                }
                headerRead = 0;
                int type = header[0] & 0xff;
                int messageLength = messageLength();
                int wanted = wanted(type, messageLength);
                if (wanted <= 0) {
                    bodyLeft = messageLength;
                    continue;
                }
                start = new byte[Math.min(Math.min(wanted, MAX_RECORD), messageLength)];
                startRead = 0;
                wantedStart = start;
            } else {
                int copied = Math.min(wantedStart.length - startRead, end - at);
                in.getBytes(at, wantedStart, startRead, copied);
                startRead += copied;
                at += copied;
            }
            if (startRead == wantedStart.length) {
                start = null;
                int messageLength = messageLength();
                bodyLeft = messageLength - wantedStart.length;
                String refusal = check(header[0] & 0xff, messageLength, Unpooled.wrappedBuffer(wantedStart));
                if (refusal != null) {
                    return refusal;
                }
            }
        }
        return null;
    }

    private int messageLength() {
        return ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    }

    /** A signature scheme's name, or its number where it has no name here. */
    static String signatureName(int scheme) {
        String name = REFUSED_NAMES.get(scheme);
        return name != null ? name : String.format(Locale.ROOT, "signature scheme 0x%04x", scheme);
    }
}
