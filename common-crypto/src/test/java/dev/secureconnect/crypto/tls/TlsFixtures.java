package dev.secureconnect.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * Key and trust material, CRL files and refusal recording for the TLS tests, on {@link TestPki#shared()}; what the
 * listener's checks pass on and write, in an {@code EmbeddedChannel}.
 */
final class TlsFixtures {

    /** How long a test waits for anything on the network: handshakes, echoes, refusals. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private TlsFixtures() {}

    static KeyMaterial keys(TestPki.Issued issued) {
        return new KeyMaterial(issued.privateKey(), issued.chain());
    }

    /** Trust in the test PKI's root (the issuing CA known too), with revocation from {@code crlFile}. */
    static TrustMaterial trust(TestPki pki, Path crlFile) {
        return TrustMaterial.withCrl(List.of(pki.rootCertificate()), List.of(pki.issuingCertificate()), crlFile);
    }

    /** Trust in the test PKI's root without revocation, as an appliance has it. */
    static TrustMaterial trustWithoutCrl(TestPki pki) {
        return TrustMaterial.withoutRevocationCheck(List.of(pki.rootCertificate()), List.of(pki.issuingCertificate()));
    }

    /**
     * Publishes {@code crl} at {@code dir/issuing-ca.crl.pem} the way an operator should: written beside it, then
     * renamed over it atomically.
     */
    static Path publishCrl(Path dir, X509CRL crl) {
        Path target = dir.resolve("issuing-ca.crl.pem");
        try {
            DurableFiles.write(target, Pem.crl(crl).getBytes(StandardCharsets.US_ASCII), DurableFiles.Access.READABLE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An appliance certificate over a 1024-bit RSA key, signed by the test PKI's issuing CA with the appliance
     * profile, which {@code CertificateAuthority} itself would refuse to issue. Its chain is the certificate, the
     * issuing CA and the root.
     */
    static TestPki.Issued weakAppliance(TestPki pki, String serial) {
        KeyPair keys = TestPki.weakRsaKeyPair();
        X509Certificate issuer = pki.issuingCertificate();
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("O=" + TestPki.ORGANISATION + ",OU=Appliances,CN=" + serial),
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(
                            GeneralName.uniformResourceIdentifier, "urn:secureconnect:appliance:" + serial)));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(pki.issuingCa().signer().contentSigner()));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(pki.issuingCa().chain());
            return new TestPki.Issued(keys, certificate, chain);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the 1024-bit test certificate", e);
        }
    }

    /** One call of {@link HandshakeRefusalListener#refused}. */
    record Refusal(String peerAddress, String subject, Reason reason, String message) {}

    /** A refusal listener that keeps what it is told, for the test to take in order. */
    static final class Refusals implements HandshakeRefusalListener {
        private final BlockingQueue<Refusal> refusals = new LinkedBlockingQueue<>();

        @Override
        public void refused(String peerAddress, String subject, Reason reason, String message) {
            refusals.add(new Refusal(peerAddress, subject, reason, message));
        }

        /** The next refusal, waiting for it at most {@link #WAIT}. */
        Refusal next() {
            try {
                Refusal refusal = refusals.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (refusal == null) {
                    return fail("no handshake refusal was reported within %s", WAIT);
                }
                return refusal;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting for a refusal");
            }
        }

        /** Everything reported so far, without waiting. */
        List<Refusal> drain() {
            List<Refusal> all = new ArrayList<>();
            refusals.drainTo(all);
            return all;
        }
    }

    /** A fatal {@code handshake_failure} alert in a plaintext record, as the listener's checks send it. */
    static final byte[] HANDSHAKE_FAILURE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

    /** Everything {@code channel}'s handlers passed on to the next one (the TLS handler), released. */
    static byte[] passedOn(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part = channel.readInbound(); part != null; part = channel.readInbound()) {
            all.writeBytes(part);
            part.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    /** The first thing {@code channel} wrote to the peer, released; there must be one. */
    static byte[] outbound(EmbeddedChannel channel) {
        ByteBuf written = channel.readOutbound();
        assertThat(written).as("something written to the peer").isNotNull();
        byte[] bytes = ByteBufUtil.getBytes(written);
        written.release();
        return bytes;
    }

    /** A handshake message of {@code type}: its type, 24-bit length and {@code body}. */
    static byte[] message(int type, byte[] body) {
        ByteBuf message = Unpooled.buffer();
        message.writeByte(type).writeMedium(body.length).writeBytes(body);
        byte[] bytes = ByteBufUtil.getBytes(message);
        message.release();
        return bytes;
    }

    /** A TLS 1.2 record of {@code type} carrying {@code fragment}. */
    static byte[] record(int type, byte[] fragment) {
        ByteBuf record = Unpooled.buffer();
        record.writeByte(type).writeShort(0x0303).writeShort(fragment.length).writeBytes(fragment);
        byte[] bytes = ByteBufUtil.getBytes(record);
        record.release();
        return bytes;
    }

    static byte[] concat(List<byte[]> parts) {
        ByteBuf all = Unpooled.buffer();
        parts.forEach(all::writeBytes);
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    /**
     * Writes {@code bytes} to a new channel with {@code check} and asserts that they all reached the next handler
     * unchanged, nothing went back to the peer, nothing was refused and the check is gone.
     */
    static void assertPassedWhole(HandshakeRecords check, byte[] bytes, Refusals refusals) {
        EmbeddedChannel channel = new EmbeddedChannel(check);
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));

        assertThat(channel.pipeline().context(check)).as("removed").isNull();
        assertThat(passedOn(channel)).isEqualTo(bytes);
        assertThat(channel.<Object>readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    /**
     * Writes {@code bytes} to a new channel with {@code check} a byte at a time and asserts that they all reached the
     * next handler unchanged, no buffer was kept, nothing was refused and the check is gone.
     */
    static void assertPassedWholeByteByByte(HandshakeRecords check, byte[] bytes, Refusals refusals) {
        EmbeddedChannel channel = new EmbeddedChannel(check);
        List<ByteBuf> pieces = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            ByteBuf piece = Unpooled.wrappedBuffer(java.util.Arrays.copyOfRange(bytes, i, i + 1));
            pieces.add(piece);
            channel.writeInbound(piece);
        }

        assertThat(passedOn(channel)).isEqualTo(bytes);
        assertThat(channel.pipeline().context(check)).isNull();
        assertThat(channel.finish()).isFalse();
        assertThat(pieces).allSatisfy(piece -> assertThat(piece.refCnt()).isZero());
        assertThat(refusals.drain()).isEmpty();
    }

    /**
     * Writes {@code bytes} to a new channel with {@code check} and asserts that the peer got a
     * {@code handshake_failure} alert and a closed channel, nothing reached the next handler, no buffer was kept and
     * one refusal was reported, with {@code message}.
     */
    static void assertRefused(HandshakeRecords check, byte[] bytes, Refusals refusals, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(check);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        channel.writeInbound(in);

        assertThat(outbound(channel)).as("a handshake_failure alert").isEqualTo(HANDSHAKE_FAILURE);
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.<Object>readInbound())
                .as("BoringSSL sees nothing of the flight")
                .isNull();
        assertThat(in.refCnt()).as("no buffer kept").isZero();
        Refusal refusal = refusals.next();
        assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
        assertThat(refusal.subject()).isEmpty();
        assertThat(refusal.message()).isEqualTo(message);
        assertThat(refusals.drain()).as("refused once").isEmpty();
        channel.finishAndReleaseAll();
    }
}
