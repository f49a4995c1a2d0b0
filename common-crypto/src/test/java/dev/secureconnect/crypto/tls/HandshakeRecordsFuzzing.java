package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.HANDSHAKE_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.tls.TlsFixtures.Refusal;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the fuzz tests of the {@link HandshakeRecords} checks ask of one input: it arrives in pieces of 1 to 64 bytes
 * (the input's first byte says how many); what reaches the TLS handler is always a prefix of what was sent, all of it
 * once the check is gone, and at most one record short of it while the check stays; or the peer gets a
 * {@code handshake_failure} alert, one refusal on one line, and nothing more reaches the TLS handler. Nothing
 * escapes, and no buffer is kept.
 */
final class HandshakeRecordsFuzzing {

    /** The most a check holds back: one incomplete record of the longest length it follows. */
    private static final int MAX_HELD = 5 + HandshakeRecords.MAX_RECORD;

    private HandshakeRecordsFuzzing() {}

    /**
     * Feeds {@code input} to the check {@code checks} makes.
     *
     * @param refusal what every refusal of that check looks like
     */
    static void passesOnOrRefusesOnOneLine(byte[] input, Function<Refusals, HandshakeRecords> checks, Pattern refusal) {
        if (input.length == 0) {
            return;
        }
        int piece = (input[0] & 0x3f) + 1;
        byte[] sent = Arrays.copyOfRange(input, 1, input.length);
        Refusals refusals = new Refusals();
        HandshakeRecords check = checks.apply(refusals);
        EmbeddedChannel channel = new EmbeddedChannel(check);
        List<ByteBuf> pieces = new ArrayList<>();
        ByteBuf passed = Unpooled.buffer();
        for (int at = 0; at < sent.length && channel.isOpen(); at += piece) {
            ByteBuf in = Unpooled.wrappedBuffer(Arrays.copyOfRange(sent, at, Math.min(sent.length, at + piece)));
            pieces.add(in);
            channel.writeInbound(in);
            for (ByteBuf part = channel.readInbound(); part != null; part = channel.readInbound()) {
                passed.writeBytes(part);
                part.release();
            }
        }
        byte[] passedOn = ByteBufUtil.getBytes(passed);
        passed.release();

        assertThat(passedOn).isEqualTo(Arrays.copyOf(sent, passedOn.length));
        List<Refusal> refused = refusals.drain();
        ByteBuf alert = channel.readOutbound();
        if (refused.isEmpty()) {
            assertThat(alert).isNull();
            assertThat(channel.isOpen()).isTrue();
            if (channel.pipeline().context(check) == null) {
                assertThat(passedOn).hasSameSizeAs(sent);
            } else {
                assertThat(sent.length - passedOn.length).isLessThan(MAX_HELD);
            }
        } else {
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0).message())
                    .matches(refusal)
                    .doesNotContainPattern("\\R")
                    .hasSizeLessThan(300);
            assertThat(alert).isNotNull();
            assertThat(ByteBufUtil.getBytes(alert)).isEqualTo(HANDSHAKE_FAILURE);
            alert.release();
            assertThat(channel.isOpen()).isFalse();
        }
        channel.finishAndReleaseAll();
        assertThat(pieces).allSatisfy(in -> assertThat(in.refCnt()).isZero());
    }
}
