package dev.secureconnect.engineer.client;

import dev.secureconnect.engineer.EngineerException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * Sends a blocking {@link InputStream} (standard input, a file) as DATA frames on a session stream from the calling
 * thread, with back-pressure: before each chunk it waits until the stream is writable (its HTTP/2 window and write
 * buffer have room), so at most one chunk plus the write buffer's high-water mark is ever queued. The end of the
 * input is sent as an empty DATA frame with END_STREAM.
 */
public final class StreamPump {

    /** The size of each DATA frame's chunk. */
    static final int CHUNK_BYTES = 16 * 1024;

    private final Http2StreamChannel stream;
    private final Object lock = new Object();

    private StreamPump(Http2StreamChannel stream) {
        this.stream = stream;
    }

    /** A pump for {@code stream}; it watches the stream's writability from now on. */
    public static StreamPump on(Http2StreamChannel stream) {
        StreamPump pump = new StreamPump(stream);
        stream.pipeline().addFirst("writability", new Writability(pump::signal));
        return pump;
    }

    /**
     * Sends everything {@code in} holds, then END_STREAM.
     *
     * @param digest updated with every byte sent, or null
     * @return the number of bytes sent
     * @throws IOException if reading {@code in} fails
     * @throws EngineerException if the stream closes or a write fails before the end
     */
    public long pump(InputStream in, @Nullable MessageDigest digest) throws IOException {
        byte[] chunk = new byte[CHUNK_BYTES];
        long sent = 0;
        ChannelFuture last = null;
        int read;
        while ((read = in.read(chunk)) != -1) {
            if (read == 0) {
                continue;
            }
            awaitWritable(last);
            if (digest != null) {
                digest.update(chunk, 0, read);
            }
            last = stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(chunk, 0, read), false));
            sent += read;
        }
        awaitWritable(last);
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        return sent;
    }

    private void awaitWritable(@Nullable ChannelFuture last) {
        synchronized (lock) {
            while (true) {
                if (last != null && last.isDone() && !last.isSuccess()) {
                    throw new EngineerException(
                            "sending failed: " + last.cause().getMessage(), last.cause());
                }
                if (!stream.isActive()) {
                    throw new EngineerException("the stream closed before everything was sent");
                }
                if (stream.isWritable()) {
                    return;
                }
                try {
                    lock.wait(100); // signalled on writability changes; the timeout re-checks a missed signal
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineerException("interrupted", e);
                }
            }
        }
    }

    private void signal() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Wakes the pump when the stream's writability changes or it closes; passes both events on. */
    static final class Writability extends ChannelInboundHandlerAdapter { // package-private: its EmbeddedChannel test
        private final Runnable signal;

        Writability(Runnable signal) {
            this.signal = signal;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            signal.run();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            signal.run();
            ctx.fireChannelInactive();
        }
    }
}
