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
 * {@link ServerKeyExchangeCheck} in an {@link EmbeddedChannel}, fed a TLS 1.2 server's plaintext records written out
 * here (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, then ChangeCipherSpec and an encrypted
 * Finished), whole and cut at every byte: a ServerKeyExchange signed with SHA-1, SHA-224 or anything else outside the
 * policy gets a {@code handshake_failure} alert and a closed channel, one refusal reported, and never reaches the
 * next handler; anything else reaches it byte for byte, and the check is gone after the ChangeCipherSpec, or right
 * after a ServerHello that selects TLS 1.3.
 */
class ServerKeyExchangeCheckTest {

    private static final int RSA_PKCS1_SHA256 = 0x0401;

    private final Refusals refusals = new Refusals();

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"0401", "0501", "0601", "0403", "0503", "0603", "0804", "0805", "0806", "0809"})
    void aPolicySignatureGoesOnByteForByteAndTheCheckLeavesAtTheChangeCipherSpec(String scheme) {
        byte[] flight = flight(Integer.parseInt(scheme, 16));

        assertPassedWhole(new ServerKeyExchangeCheck(refusals), flight, refusals);
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
                new ServerKeyExchangeCheck(refusals),
                flight,
                refusals,
                "the server signed its TLS 1.2 ServerKeyExchange with " + name + ", which the TLS policy"
                        + " does not allow (expected: RSA-PSS, PKCS#1 v1.5 or ECDSA over SHA-256, SHA-384 or"
                        + " SHA-512)");
    }

    @Test
    void aFlightCutAtEveryByteGoesOnWhole() {
        byte[] flight = flight(RSA_PKCS1_SHA256);

        assertPassedWholeByteByByte(new ServerKeyExchangeCheck(refusals), flight, refusals);
    }

    /** A SHA-1 flight cut at every byte: refused once the record that completes its algorithm arrives, not before. */
    @Test
    void aSha1FlightCutAtEveryByteIsRefusedAtItsAlgorithm() {
        byte[] flight = flight(0x0201);

        EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        for (int i = 0; i < flight.length && channel.isOpen(); i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(flight, i, i + 1)));
        }

        byte[] passed = passedOn(channel);
        assertThat(passed)
                .as("the ServerHello and Certificate records only")
                .isEqualTo(concat(List.of(hello(), record(22, message(11, new byte[1200])))));
        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message()).contains("with rsa_pkcs1_sha1,");
        channel.finishAndReleaseAll();
    }

    /** The ServerKeyExchange cut inside its public key, then between the two bytes of its algorithm. */
    @Test
    void aServerKeyExchangeSplitAcrossRecordsIsReadWhole() {
        byte[] serverKeyExchange = serverKeyExchange(0x0201, 65);
        int algorithm = 4 + 4 + 65;
        List<byte[]> records = List.of(
                record(22, serverHello(false)),
                record(22, Arrays.copyOfRange(serverKeyExchange, 0, 20)),
                record(22, Arrays.copyOfRange(serverKeyExchange, 20, algorithm + 1)),
                record(22, Arrays.copyOfRange(serverKeyExchange, algorithm + 1, serverKeyExchange.length)));

        EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        for (byte[] record : records.subList(0, 3)) {
            channel.writeInbound(Unpooled.wrappedBuffer(record));
        }
        assertThat(passedOn(channel)).isEqualTo(concat(records.subList(0, 3)));
        assertThat(channel.isOpen()).isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(records.get(3)));

        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message()).contains("with rsa_pkcs1_sha1,");
        channel.finishAndReleaseAll();
    }

    /** A P-384 key (97 bytes) and one of the longest a named curve may have (255 bytes): the algorithm after it. */
    @ParameterizedTest(name = "{0}-byte public key")
    @ValueSource(ints = {1, 97, 255})
    void theAlgorithmIsFoundAfterAPublicKeyOfAnyLength(int publicKey) {
        byte[] sha1 = concat(List.of(record(22, serverHello(false)), record(22, serverKeyExchange(0x0201, publicKey))));
        EmbeddedChannel refusing = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        refusing.writeInbound(Unpooled.wrappedBuffer(sha1));
        assertThat(refusals.next().message()).contains("with rsa_pkcs1_sha1,");
        refusing.finishAndReleaseAll();

        byte[] sha384 =
                concat(List.of(record(22, serverHello(false)), record(22, serverKeyExchange(0x0501, publicKey))));
        EmbeddedChannel passing = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        passing.writeInbound(Unpooled.wrappedBuffer(sha384));
        assertThat(passedOn(passing)).isEqualTo(sha384);
        assertThat(passing.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a public key running past the message | 03001d40aabb | a public key of 64 bytes in a message of 6",
                "an empty public key | 03001d0004010000 | a public key of 0 bytes in a message of 8",
                "explicit curve parameters | 01001d0104010000 | curve type 1, expected: 3, a named curve",
                "too short to hold parameters | 0300 | 2 bytes, expected: ECDHE parameters and a signature",
                "an empty message | '' | 0 bytes, expected: ECDHE parameters and a signature"
            })
    void aServerKeyExchangeThatCannotBeReadIsRefused(String what, String body, String why) {
        byte[] bytes = concat(
                List.of(record(22, serverHello(false)), record(22, message(12, ByteBufUtil.decodeHexDump(body)))));

        EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));

        assertThat(channel.<Object>readInbound())
                .as("nothing of what came with it")
                .isNull();
        assertThat(outbound(channel)).isEqualTo(HANDSHAKE_FAILURE);
        assertThat(refusals.next().message())
                .isEqualTo("the server sent a malformed TLS 1.2 ServerKeyExchange (" + why + ")");
        channel.finishAndReleaseAll();
    }

    /**
     * TLS 1.3: the ServerHello selects it in supported_versions, and the check leaves at once; what follows goes on
     * unchecked (a plaintext ServerKeyExchange there is nothing BoringSSL would take).
     */
    @Test
    void underTls13TheCheckLeavesAtTheServerHello() {
        byte[] records = concat(List.of(
                record(22, serverHello(true)),
                record(22, serverKeyExchange(0x0201, 32)),
                record(20, new byte[] {1}),
                record(23, new byte[300])));

        EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(records));

        assertThat(channel.pipeline().get(ServerKeyExchangeCheck.class)).isNull();
        assertThat(passedOn(channel)).isEqualTo(records);
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    /** A ServerHello alone in its record, the rest later: the check is gone before the rest arrives. */
    @Test
    void underTls13TheCheckIsGoneBeforeTheNextRecord() {
        EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(record(22, serverHello(true))));

        assertThat(channel.pipeline().get(ServerKeyExchangeCheck.class)).isNull();
        assertThat(passedOn(channel)).isEqualTo(record(22, serverHello(true)));
        channel.finishAndReleaseAll();
    }

    /** Bytes that are not TLS records go on to BoringSSL, which refuses them, at once, and the check leaves. */
    @Test
    void somethingThatIsNotTlsIsPassedOnAtOnce() {
        byte[] http = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] oversized = {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff, 1, 0, 0};
        byte[] wrongVersion = {0x16, 0x04, 0x03, 0x00, 0x01, 1};
        byte[] unreadableHello = record(22, message(2, new byte[] {3, 3, 0}));
        for (byte[] garbage : List.of(http, oversized, wrongVersion)) {
            byte[] bytes = concat(List.of(unreadableHello, garbage));
            EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));

            assertThat(channel.pipeline().get(ServerKeyExchangeCheck.class)).isNull();
            assertThat(passedOn(channel)).isEqualTo(bytes);
            assertThat(channel.finish()).isFalse();
        }
        assertThat(refusals.drain()).isEmpty();
    }

    @Test
    void anIncompleteRecordIsHeldAndReleasedWithTheChannel() {
        byte[] hello = record(22, serverHello(false));
        byte[] part = Arrays.copyOfRange(record(22, message(11, new byte[1000])), 0, 500);

        EmbeddedChannel channel = new EmbeddedChannel(new ServerKeyExchangeCheck(refusals));
        channel.writeInbound(Unpooled.wrappedBuffer(hello, part));

        assertThat(passedOn(channel)).isEqualTo(hello);
        assertThat(channel.finish()).isFalse();
        assertThat(refusals.drain()).isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /**
     * A TLS 1.2 server's records: its ServerHello; its Certificate; its ServerKeyExchange (signed with
     * {@code scheme}) and ServerHelloDone in one record; then its ChangeCipherSpec and encrypted Finished.
     */
    static byte[] flight(int scheme) {
        return concat(List.of(
                hello(),
                record(22, message(11, new byte[1200])),
                record(22, concat(List.of(serverKeyExchange(scheme, 32), message(14, new byte[0])))),
                record(20, new byte[] {1}),
                record(22, new byte[40])));
    }

    private static byte[] hello() {
        return record(22, serverHello(false));
    }

    /** A ServerHello choosing ECDHE-RSA-AES256-GCM-SHA384, with supported_versions naming TLS 1.3 if {@code tls13}. */
    static byte[] serverHello(boolean tls13) {
        ByteBuf body = Unpooled.buffer();
        body.writeShort(0x0303).writeZero(32); // legacy_version, random
        body.writeByte(32).writeZero(32); // legacy_session_id_echo
        body.writeShort(tls13 ? 0x1302 : 0xc030).writeByte(0);
        ByteBuf extensions = Unpooled.buffer();
        extensions.writeShort(0xff01).writeShort(1).writeByte(0); // renegotiation_info
        if (tls13) {
            extensions.writeShort(43).writeShort(2).writeShort(0x0304);
        }
        body.writeShort(extensions.readableBytes()).writeBytes(extensions);
        extensions.release();
        byte[] message = message(2, ByteBufUtil.getBytes(body));
        body.release();
        return message;
    }

    /** An ECDHE ServerKeyExchange over x25519 with a public key of {@code publicKey} bytes, signed with {@code scheme}. */
    static byte[] serverKeyExchange(int scheme, int publicKey) {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(3).writeShort(0x001d).writeByte(publicKey).writeZero(publicKey);
        body.writeShort(scheme).writeShort(256).writeZero(256);
        byte[] message = message(12, ByteBufUtil.getBytes(body));
        body.release();
        return message;
    }
}
