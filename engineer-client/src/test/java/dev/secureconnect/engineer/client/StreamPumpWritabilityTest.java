package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pump's watch on its stream, on an {@link EmbeddedChannel}: the blocked sender is woken each time the stream
 * becomes unwritable or writable again and when it closes, and both events still reach the handlers after it.
 */
class StreamPumpWritabilityTest {

    private final AtomicInteger signals = new AtomicInteger();
    private final List<String> passedOn = new ArrayList<>();

    private EmbeddedChannel stream() {
        EmbeddedChannel stream = new EmbeddedChannel(
                new StreamPump.Writability(signals::incrementAndGet), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        passedOn.add(ctx.channel().isWritable() ? "writable" : "unwritable");
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        passedOn.add("inactive");
                    }
                });
        stream.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        return stream;
    }

    @Test
    void theSenderIsWokenWhenTheStreamFillsAndWhenItDrains() {
        EmbeddedChannel stream = stream();

        ByteBuf chunk = Unpooled.buffer().writeZero(32);
        stream.write(chunk); // queued, not flushed: over the high-water mark
        assertThat(stream.isWritable()).isFalse();
        assertThat(signals).hasValue(1);

        stream.flush();
        assertThat(stream.isWritable()).isTrue();
        assertThat(signals).hasValue(2);
        assertThat(passedOn).containsExactly("unwritable", "writable");

        ByteBuf written = stream.readOutbound();
        written.release();
        assertThat(chunk.refCnt()).isZero();
        assertThat(stream.finish()).isFalse();
    }

    @Test
    void theSenderIsWokenWhenTheStreamClosesAndTheCloseIsPassedOn() {
        EmbeddedChannel stream = stream();

        stream.close();

        assertThat(signals).hasValue(1);
        assertThat(passedOn).containsExactly("inactive");
    }
}
