package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Refuses, before BoringSSL sees it, a ClientHello that BoringSSL would answer with a ServerHello outside
 * {@link TlsPolicy} and only then refuse: a scanner that reads the ServerHello would list what it names as accepted.
 * BoringSSL cannot be told which TLS 1.3 suites to take (netty-tcnative ignores {@code setCipherSuite(ctx, suites,
 * true)} there), nor which signature algorithms to sign with, so it would name {@code TLS_AES_128_GCM_SHA256} or
 * {@code TLS_CHACHA20_POLY1305_SHA256} in its ServerHello (or HelloRetryRequest), or send the ServerHello of a TLS 1.2
 * handshake whose key exchange it can sign only with SHA-1, before {@link PolicySigner} refuses to sign. The peer gets
 * a {@code handshake_failure} alert instead of a ServerHello, and the refusal goes to the
 * {@link HandshakeRefusalListener}.
 *
 * <p>What BoringSSL would choose, which this predicts:
 *
 * <ul>
 *   <li>TLS 1.3 (offered in {@code supported_versions}): among the suites it knows ({@code 0x1301} AES-128-GCM,
 *       {@code 0x1302} AES-256-GCM, {@code 0x1303} ChaCha20-Poly1305), the first the client lists, except that on a
 *       machine without AES and carry-less multiply instructions it takes ChaCha20-Poly1305 wherever the client lists
 *       it. So a TLS 1.3 offer passes when {@code TLS_AES_256_GCM_SHA384} is the first of the three (and, without AES
 *       instructions, ChaCha20 is not offered at all).</li>
 *   <li>TLS 1.2 with {@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384} offered: the ServerKeyExchange is signed with an
 *       algorithm of the client's {@code signature_algorithms}; the offer passes when that lists an RSA signature over
 *       SHA-256 or stronger (RSA-PSS or PKCS#1 v1.5), and is refused when it lists none, or is missing (RFC 5246 then
 *       means SHA-1).</li>
 * </ul>
 *
 * <p>{@link PolicySigner} still refuses anything that gets through. An offer BoringSSL refuses by itself before any
 * ServerHello (TLS 1.1 or older, no suite in common) or that this cannot parse is left to BoringSSL, which then
 * sends its own alert.
 *
 * <p>One per connection, in front of the {@code SslHandler}; it removes itself once the ClientHello has passed.
 */
final class ClientHelloCheck extends SslClientHelloHandler<String> {

    /** What passes: the lookup's result when the ClientHello may go on to BoringSSL. */
    private static final String PASS = "";

    private static final int AES_128_GCM = 0x1301;
    private static final int AES_256_GCM = 0x1302;
    private static final int CHACHA20_POLY1305 = 0x1303;
    private static final int ECDHE_RSA_AES_256_GCM = 0xc030;
    private static final int TLS_1_2 = 0x0303;
    private static final int TLS_1_3 = 0x0304;
    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int SUPPORTED_VERSIONS = 43;

    /**
     * The TLS 1.2 signature schemes of the policy for an RSA key: {@code rsa_pkcs1_sha256/384/512},
     * {@code rsa_pss_rsae_sha256/384/512} (what {@link PolicySigner} signs with).
     */
    private static final Set<Integer> POLICY_RSA_SIGNATURES = Set.of(0x0401, 0x0501, 0x0601, 0x0804, 0x0805, 0x0806);

    /** A fatal {@code handshake_failure} alert in a plaintext record (RFC 8446, sections 5.1 and 6). */
    private static final byte[] HANDSHAKE_FAILURE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

    /** Whether BoringSSL prefers AES-GCM here (it has AES and carry-less multiply instructions), read once. */
    static final boolean AES_HARDWARE = aesHardware(Path.of("/proc/cpuinfo"));

    private final HandshakeRefusalListener refusals;
    private final boolean aesHardware;
    /** Set once the ClientHello is refused: whatever else the peer sends is dropped, and not checked again. */
    private boolean refused;

    ClientHelloCheck(HandshakeRefusalListener refusals) {
        this(refusals, AES_HARDWARE);
    }

    ClientHelloCheck(HandshakeRefusalListener refusals, boolean aesHardware) {
        this.refusals = requireNonNull(refusals, "refusals");
        this.aesHardware = aesHardware;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decode(ctx, in, out);
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, @Nullable ByteBuf clientHello) {
        String refusal = clientHello == null ? null : refusal(clientHello, aesHardware);
        return ctx.executor().newSucceededFuture(refusal == null ? PASS : refusal);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<String> future) {
        String refusal = future.getNow();
        if (refusal == null || refusal.isEmpty()) {
            ctx.pipeline().remove(this);
            return;
        }
        refused = true;
        refuse(ctx, refusals, refusal);
    }

    /**
     * Refuses the connection of {@code ctx} before BoringSSL has answered: reports {@code refusal} (a one-line reason)
     * to {@code refusals}, then sends the peer a {@code handshake_failure} alert and closes. Shared with
     * {@link CertificateVerifyCheck}.
     */
    static void refuse(ChannelHandlerContext ctx, HandshakeRefusalListener refusals, String refusal) {
        String peer = ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                ? PeerTrustManager.hostAndPort(inet.getHostString(), inet.getPort())
                : PeerTrustManager.UNKNOWN_PEER;
        try {
            refusals.refused(peer, "", Reason.INVALID, refusal);
        } finally {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(HANDSHAKE_FAILURE)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Why BoringSSL must not see {@code clientHello} (the ClientHello's body, without its handshake header), or null
     * when it may (see the class comment); null too when it cannot be parsed: BoringSSL then refuses it itself.
     */
    static @Nullable String refusal(ByteBuf clientHello, boolean aesHardware) {
        ByteBuf hello = clientHello.duplicate();
        List<Integer> suites = new ArrayList<>();
        boolean tls13 = false;
        @Nullable List<Integer> signatureAlgorithms = null;
        try {
            int legacyVersion = hello.readUnsignedShort();
            hello.skipBytes(32); // random
            hello.skipBytes(hello.readUnsignedByte()); // legacy_session_id
            ByteBuf offered = hello.readSlice(hello.readUnsignedShort());
            while (offered.readableBytes() >= 2) {
                suites.add(offered.readUnsignedShort());
            }
            hello.skipBytes(hello.readUnsignedByte()); // legacy_compression_methods
            ByteBuf extensions = hello.isReadable() ? hello.readSlice(hello.readUnsignedShort()) : hello.slice(0, 0);
            while (extensions.readableBytes() >= 4) {
                int type = extensions.readUnsignedShort();
                ByteBuf data = extensions.readSlice(extensions.readUnsignedShort());
                if (type == SUPPORTED_VERSIONS) {
                    tls13 = list(data.readSlice(data.readUnsignedByte())).contains(TLS_1_3);
                } else if (type == SIGNATURE_ALGORITHMS) {
                    signatureAlgorithms = list(data.readSlice(data.readUnsignedShort()));
                }
            }
            if (tls13) {
                return tls13Refusal(suites, aesHardware);
            }
            if (legacyVersion < TLS_1_2 || !suites.contains(ECDHE_RSA_AES_256_GCM)) {
                return null; // BoringSSL refuses the version or finds no suite, before any ServerHello
            }
            if (signatureAlgorithms == null
                    || signatureAlgorithms.stream().noneMatch(POLICY_RSA_SIGNATURES::contains)) {
                return "the client's TLS 1.2 offer has no RSA signature algorithm over SHA-256 or stronger, which the TLS"
                        + " policy requires (expected: rsa_pss_rsae_sha256/384/512 or rsa_pkcs1_sha256/384/512 in"
                        + " signature_algorithms)";
            }
            return null;
        } catch (IndexOutOfBoundsException e) {
            return null; // a malformed ClientHello: BoringSSL refuses it with its own alert
        }
    }

    private static @Nullable String tls13Refusal(List<Integer> suites, boolean aesHardware) {
        List<Integer> known = suites.stream()
                .filter(suite -> suite == AES_128_GCM || suite == AES_256_GCM || suite == CHACHA20_POLY1305)
                .toList();
        if (known.isEmpty()) {
            return null; // BoringSSL finds no TLS 1.3 suite and fails the handshake before any ServerHello
        }
        int chosen = !aesHardware && known.contains(CHACHA20_POLY1305) ? CHACHA20_POLY1305 : known.get(0);
        if (chosen == AES_256_GCM) {
            return null;
        }
        return "the client's TLS 1.3 offer would get " + name(chosen) + ", which the TLS policy does not allow"
                + " (expected: TLS_AES_256_GCM_SHA384 as the first TLS 1.3 suite offered"
                + (aesHardware ? "" : ", and no TLS_CHACHA20_POLY1305_SHA256 on this machine without AES-NI")
                + ")";
    }

    /** A list of 16-bit values. */
    private static List<Integer> list(ByteBuf values) {
        List<Integer> list = new ArrayList<>();
        while (values.readableBytes() >= 2) {
            list.add(values.readUnsignedShort());
        }
        return list;
    }

    private static String name(int suite) {
        return suite == AES_128_GCM ? "TLS_AES_128_GCM_SHA256" : "TLS_CHACHA20_POLY1305_SHA256";
    }

    /**
     * Whether BoringSSL counts this machine as having AES hardware ({@code EVP_has_aes_hardware}): AES and carry-less
     * multiply instructions (x86 {@code aes} and {@code pclmulqdq} flags, ARMv8 {@code aes} and {@code pmull}). When
     * {@code cpuinfo} cannot be read, true: the common case, and {@link PolicySigner} refuses a ChaCha20 handshake
     * anyway.
     */
    static boolean aesHardware(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("flags") || lower.startsWith("features")) {
                    List<String> words = List.of(
                            lower.substring(lower.indexOf(':') + 1).trim().split("\\s+"));
                    return words.contains("aes") && (words.contains("pclmulqdq") || words.contains("pmull"));
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
