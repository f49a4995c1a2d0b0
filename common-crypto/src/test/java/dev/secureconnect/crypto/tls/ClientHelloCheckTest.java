package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.HANDSHAKE_FAILURE;
import static dev.secureconnect.crypto.tls.TlsFixtures.outbound;
import static dev.secureconnect.crypto.tls.TlsFixtures.passedOn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusal;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ClientHelloCheck} in an {@link EmbeddedChannel}, fed the ClientHellos the JDK's own TLS client writes (and,
 * for signature algorithms the JDK 17 cannot be told to restrict per connection, ClientHellos written out here): an
 * offer BoringSSL would answer with a suite or a signature outside the policy gets a {@code handshake_failure} alert
 * and a closed channel, one refusal reported; anything else reaches the next handler byte for byte, and the check is
 * gone.
 */
class ClientHelloCheckTest {

    private final Refusals refusals = new Refusals();

    @TempDir
    Path dir;

    @Test
    void anOfferListingAes256FirstGoesOnUntouched() throws Exception {
        byte[] hello = clientHello(
                List.of("TLSv1.3", "TLSv1.2"),
                List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"));

        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
        channel.writeInbound(Unpooled.wrappedBuffer(hello));

        assertThat(channel.pipeline().get(ClientHelloCheck.class))
                .as("removed once passed")
                .isNull();
        assertThat(passedOn(channel)).isEqualTo(hello);
        assertThat(channel.<Object>readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    @ParameterizedTest(name = "{0} first")
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"})
    void anOfferBoringSslWouldAnswerOutsideThePolicyIsRefusedBeforeAnyServerHello(String first) throws Exception {
        byte[] hello = clientHello(List.of("TLSv1.3"), List.of(first, "TLS_AES_256_GCM_SHA384"));

        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
        channel.writeInbound(Unpooled.wrappedBuffer(hello));

        assertThat(outbound(channel))
                .as("a handshake_failure alert, no ServerHello")
                .isEqualTo(HANDSHAKE_FAILURE);
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.<Object>readInbound())
                .as("BoringSSL never sees the offer")
                .isNull();
        Refusal refusal = refusals.next();
        assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
        assertThat(refusal.subject()).isEmpty();
        assertThat(refusal.message())
                .isEqualTo("the client's TLS 1.3 offer would get " + first + ", which the TLS policy does not allow"
                        + " (expected: TLS_AES_256_GCM_SHA384 as the first TLS 1.3 suite offered)");
        assertThat(refusals.drain()).as("refused once").isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void withoutAesInstructionsChaCha20AnywhereInTheOfferIsRefused() throws Exception {
        byte[] hello =
                clientHello(List.of("TLSv1.3"), List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"));

        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, false));
        channel.writeInbound(Unpooled.wrappedBuffer(hello));

        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message())
                .contains("would get TLS_CHACHA20_POLY1305_SHA256", "on this machine without AES-NI");
        channel.finishAndReleaseAll();
    }

    @Test
    void aTls12OfferIsLeftToBoringSsl() throws Exception {
        byte[] hello = clientHello(List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
        channel.writeInbound(Unpooled.wrappedBuffer(hello));

        assertThat(passedOn(channel)).isEqualTo(hello);
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    @Test
    void aTls12OfferWithoutAPolicySignatureAlgorithmIsRefused() {
        for (byte[] hello : List.of(
                tls12Hello(0x0201), // rsa_pkcs1_sha1
                tls12Hello(0x0201, 0x0301, 0x0203), // rsa_pkcs1_sha1, rsa_pkcs1_sha224, ecdsa_sha1
                tls12Hello())) { // no signature_algorithms: SHA-1 (RFC 5246)
            EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
            channel.writeInbound(Unpooled.wrappedBuffer(hello));

            assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
            assertThat(channel.isOpen()).isFalse();
            assertThat(refusals.next().message())
                    .startsWith("the client's TLS 1.2 offer has no RSA signature algorithm over SHA-256 or stronger");
            channel.finishAndReleaseAll();
        }
        assertThat(refusals.drain()).isEmpty();
    }

    @Test
    void aTls12OfferWithAPolicySignatureAlgorithmOrAnOlderOfferIsLeftToBoringSsl() {
        byte[] sha1AndSha256 = tls12Hello(0x0201, 0x0401); // rsa_pkcs1_sha1, rsa_pkcs1_sha256
        byte[] pss = tls12Hello(0x0806); // rsa_pss_rsae_sha512
        byte[] tls11 = hello(0x0302, List.of(0xc030), null); // BoringSSL refuses the version itself
        for (byte[] hello : List.of(sha1AndSha256, pss, tls11)) {
            EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
            channel.writeInbound(Unpooled.wrappedBuffer(hello));

            assertThat(passedOn(channel)).isEqualTo(hello);
            assertThat(channel.finish()).isFalse();
        }
        assertThat(refusals.drain()).isEmpty();
    }

    @Test
    void anOfferArrivingInPiecesIsCheckedWhole() throws Exception {
        byte[] hello = clientHello(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"));

        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(hello, 0, 3)));
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(hello, 3, 60)));
        assertThat(refusals.drain()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(hello, 60, hello.length)));

        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message()).contains("would get TLS_AES_128_GCM_SHA256");
        channel.finishAndReleaseAll();
    }

    @Test
    void whatFollowsARefusedOfferIsDroppedUnchecked() throws Exception {
        byte[] hello = clientHello(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"));
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(true);
        channel.pipeline().addLast(new ClientHelloCheck(refusals, true));
        // the peer's offer and its next flight arrive together
        ByteBuf both = Unpooled.wrappedBuffer(hello, hello);
        channel.writeInbound(both);

        assertThat(refusals.next().message()).contains("would get TLS_AES_128_GCM_SHA256");
        assertThat(refusals.drain()).isEmpty();
        assertThat(both.refCnt()).as("no buffer kept").isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void somethingThatIsNotTlsIsLeftToTheTlsHandler() {
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloCheck(refusals, true));
        channel.writeInbound(Unpooled.wrappedBuffer(http));

        assertThat(passedOn(channel)).isEqualTo(http);
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    @Test
    void aesHardwareIsReadFromTheCpuFlags() throws Exception {
        assertThat(ClientHelloCheck.aesHardware(cpuinfo("flags\t\t: fpu sse2 pclmulqdq aes avx2")))
                .isTrue();
        assertThat(ClientHelloCheck.aesHardware(cpuinfo("flags\t\t: fpu sse2 avx2")))
                .isFalse();
        assertThat(ClientHelloCheck.aesHardware(cpuinfo("Features\t: fp asimd aes pmull sha1 sha2")))
                .isTrue();
        assertThat(ClientHelloCheck.aesHardware(cpuinfo("Features\t: fp asimd")))
                .isFalse();
        assertThat(ClientHelloCheck.aesHardware(dir.resolve("missing")))
                .as("unknown: assumed")
                .isTrue();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** The first flight of the JDK's TLS client offering {@code protocols} and {@code suites}: a ClientHello record. */
    static byte[] clientHello(List<String> protocols, List<String> suites)
            throws GeneralSecurityException, SSLException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("127.0.0.1", 443);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(protocols.toArray(String[]::new));
        engine.setEnabledCipherSuites(suites.toArray(String[]::new));
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** A TLS 1.2 ClientHello record offering ECDHE-RSA-AES256-GCM-SHA384 and these signature algorithms, if any. */
    private static byte[] tls12Hello(int... signatureAlgorithms) {
        return hello(
                0x0303,
                List.of(0xc030),
                signatureAlgorithms.length == 0
                        ? null
                        : Arrays.stream(signatureAlgorithms).boxed().toList());
    }

    /** A ClientHello record, written out by hand: no session id, no compression, at most signature_algorithms. */
    private static byte[] hello(int version, List<Integer> suites, List<Integer> signatureAlgorithms) {
        ByteBuf body = Unpooled.buffer();
        body.writeShort(version).writeZero(32).writeByte(0);
        body.writeShort(2 * suites.size());
        suites.forEach(body::writeShort);
        body.writeByte(1).writeByte(0);
        if (signatureAlgorithms != null) {
            body.writeShort(4 + 2 + 2 * signatureAlgorithms.size());
            body.writeShort(13).writeShort(2 + 2 * signatureAlgorithms.size());
            body.writeShort(2 * signatureAlgorithms.size());
            signatureAlgorithms.forEach(body::writeShort);
        }
        ByteBuf record = Unpooled.buffer();
        record.writeByte(0x16).writeShort(0x0301).writeShort(4 + body.readableBytes());
        record.writeByte(1).writeMedium(body.readableBytes()).writeBytes(body);
        body.release();
        byte[] bytes = ByteBufUtil.getBytes(record);
        record.release();
        return bytes;
    }

    private Path cpuinfo(String line) throws Exception {
        Path file = Files.createTempFile(dir, "cpuinfo", "");
        Files.writeString(file, "processor\t: 0\n" + line + "\n");
        return file;
    }
}
