package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.HANDSHAKE_FAILURE;
import static dev.secureconnect.crypto.tls.TlsFixtures.assertPassedWhole;
import static dev.secureconnect.crypto.tls.TlsFixtures.assertPassedWholeByteByByte;
import static dev.secureconnect.crypto.tls.TlsFixtures.assertRefused;
import static dev.secureconnect.crypto.tls.TlsFixtures.concat;
import static dev.secureconnect.crypto.tls.TlsFixtures.message;
import static dev.secureconnect.crypto.tls.TlsFixtures.outbound;
import static dev.secureconnect.crypto.tls.TlsFixtures.passedOn;
import static dev.secureconnect.crypto.tls.TlsFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CertificateVerifyCheck} in an {@link EmbeddedChannel}, fed a TLS 1.2 client's plaintext records written out
 * here (a ClientHello, then Certificate, ClientKeyExchange and CertificateVerify, ChangeCipherSpec and an encrypted
 * Finished), whole, coalesced and cut at every byte: a CertificateVerify signed with SHA-1, SHA-224 or anything else
 * outside the policy gets a {@code handshake_failure} alert and a closed channel, one refusal reported, and never
 * reaches the next handler; anything else reaches it byte for byte, and the check is gone after the ChangeCipherSpec.
 */
class CertificateVerifyCheckTest {

    private static final byte[] HANDSHAKE_FAILURE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    private static final int RSA_PKCS1_SHA256 = 0x0401;

    private final Refusals refusals = new Refusals();

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"0401", "0501", "0601", "0403", "0804", "0806", "0809"})
    void aPolicySignatureGoesOnByteForByteAndTheCheckLeavesAtTheChangeCipherSpec(String scheme) {
        byte[] flight = flight(Integer.parseInt(scheme, 16));

        assertPassedWhole(new CertificateVerifyCheck(refusals), flight, refusals);
    }

    @Test
    void aFlightCutAtEveryByteGoesOnWhole() {
        byte[] flight = flight(RSA_PKCS1_SHA256);

        assertPassedWholeByteByByte(new CertificateVerifyCheck(refusals), flight, refusals);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "0201, rsa_pkcs1_sha1",
        "0301, rsa_pkcs1_sha224",
        "0203, ecdsa_sha1",
        "0303, ecdsa_sha224",
        "0101, rsa_pkcs1_md5",
        "0807, signature scheme 0x0807"
    })
    void aSignatureOutsideThePolicyIsRefusedBeforeTheTlsHandlerSeesIt(String scheme, String name) {
        byte[] flight = flight(Integer.parseInt(scheme, 16));

        assertRefused(
                new CertificateVerifyCheck(refusals),
                flight,
                refusals,
                "the client signed its TLS 1.2 CertificateVerify with " + name + ", which the TLS policy"
                        + " does not allow (expected: RSA-PSS, PKCS#1 v1.5 or ECDSA over SHA-256, SHA-384 or"
                        + " SHA-512)");
    }

    /**
     * The client's messages in records of one message each, the CertificateVerify cut between the two bytes of its
     * algorithm: the records before it pass, the one that completes the algorithm does not.
     */
    @Test
    void anAlgorithmSplitAcrossRecordsIsReadWhole() {
        byte[] certificateVerify = certificateVerify(0x0201);
        List<byte[]> records = List.of(
                record(22, clientHello()),
                record(22, message(11, new byte[3000])),
                record(22, message(16, new byte[65])),
                record(22, Arrays.copyOfRange(certificateVerify, 0, 5)),
                record(22, Arrays.copyOfRange(certificateVerify, 5, certificateVerify.length)));

        EmbeddedChannel channel = new EmbeddedChannel(new CertificateVerifyCheck(refusals));
        for (byte[] record : records.subList(0, 4)) {
            channel.writeInbound(Unpooled.wrappedBuffer(record));
        }
        assertThat(passedOn(channel)).isEqualTo(concat(records.subList(0, 4)));
        assertThat(channel.isOpen()).isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(records.get(4)));

        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message()).contains("with rsa_pkcs1_sha1,");
        channel.finishAndReleaseAll();
    }

    /** A Certificate message larger than a record, in two records, then a SHA-1 CertificateVerify in the second. */
    @Test
    void aMessageSpanningRecordsIsFollowed() {
        byte[] messages = concat(List.of(message(11, new byte[20_000]), certificateVerify(0x0201)));
        byte[] first = record(22, Arrays.copyOfRange(messages, 0, 1 << 14));
        byte[] second = record(22, Arrays.copyOfRange(messages, 1 << 14, messages.length));

        EmbeddedChannel channel = new EmbeddedChannel(new CertificateVerifyCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(record(22, clientHello()), first));
        assertThat(passedOn(channel)).hasSize(5 + clientHello().length + first.length);
        channel.writeInbound(Unpooled.wrappedBuffer(second));

        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message()).contains("with rsa_pkcs1_sha1,");
        channel.finishAndReleaseAll();
    }

    @Test
    void whatFollowsARefusalIsDroppedUnchecked() {
        EmbeddedChannel channel = new EmbeddedChannel(new CertificateVerifyCheck(refusals));
        // the refused flight and more arrive together
        ByteBuf both = Unpooled.wrappedBuffer(flight(0x0201), flight(0x0201));
        channel.writeInbound(both);

        assertThat(both.refCnt()).as("no buffer kept").isZero();
        assertThat(refusals.next().message()).contains("rsa_pkcs1_sha1");
        assertThat(refusals.drain()).as("refused once").isEmpty();
        assertThat(channel.<Object>readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    /** TLS 1.3: after the ClientHello the client's records are encrypted (application data), with or without CCS. */
    @Test
    void underTls13TheCheckLeavesAtTheFirstEncryptedRecord() {
        byte[] records = concat(List.of(
                record(22, clientHello()),
                record(23, new byte[300]), // the encrypted Certificate, CertificateVerify and Finished
                record(22, certificateVerify(0x0201)))); // not plaintext any more: BoringSSL decrypts it, and fails

        EmbeddedChannel channel = new EmbeddedChannel(new CertificateVerifyCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(records));

        assertThat(channel.pipeline().get(CertificateVerifyCheck.class)).isNull();
        assertThat(passedOn(channel)).isEqualTo(records);
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    /**
     * Bytes that are not TLS records (a wrong type or version, a length over 2^14 + 2048) go on to BoringSSL, which
     * refuses them, at once: the check never waits for more than one record's bytes.
     */
    @Test
    void somethingThatIsNotTlsIsPassedOnAtOnce() {
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] oversized = {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff, 1, 0, 0};
        byte[] wrongVersion = {0x16, 0x04, 0x03, 0x00, 0x01, 1};
        for (byte[] garbage : List.of(http, oversized, wrongVersion)) {
            byte[] bytes = concat(List.of(record(22, clientHello()), garbage));
            EmbeddedChannel channel = new EmbeddedChannel(new CertificateVerifyCheck(refusals));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));

            assertThat(channel.pipeline().get(CertificateVerifyCheck.class)).isNull();
            assertThat(passedOn(channel)).isEqualTo(bytes);
            assertThat(channel.finish()).isFalse();
        }
        assertThat(refusals.drain()).isEmpty();
    }

    @Test
    void anIncompleteRecordIsHeldAndReleasedWithTheChannel() {
        byte[] hello = record(22, clientHello());
        byte[] part = Arrays.copyOfRange(record(22, message(11, new byte[1000])), 0, 500);

        EmbeddedChannel channel = new EmbeddedChannel(new CertificateVerifyCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(hello, part));

        assertThat(passedOn(channel)).isEqualTo(hello);
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /**
     * A TLS 1.2 client's records: its ClientHello; its Certificate, ClientKeyExchange and CertificateVerify (signed
     * with {@code scheme}) in one record, as OpenSSL writes them; its ChangeCipherSpec; its encrypted Finished.
     */
    static byte[] flight(int scheme) {
        return concat(List.of(
                record(22, clientHello()),
                record(
                        22,
                        concat(List.of(
                                message(11, new byte[1200]), message(16, new byte[65]), certificateVerify(scheme)))),
                record(20, new byte[] {1}),
                record(22, new byte[40])));
    }

    /** A ClientHello message: its body is not read by the check. */
    private static byte[] clientHello() {
        byte[] body = new byte[80];
        body[0] = 3;
        body[1] = 3;
        return message(1, body);
    }

    private static byte[] certificateVerify(int scheme) {
        ByteBuf body = Unpooled.buffer();
        body.writeShort(scheme).writeShort(256).writeZero(256);
        byte[] message = message(15, ByteBufUtil.getBytes(body));
        body.release();
        return message;
    }
}
