package dev.secureconnect.appliance.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Sends bytes produced by a blocking source (a process's output, a file) on a stream from a worker thread, with
 * back-pressure: before each chunk the worker waits until the stream is writable (its HTTP/2 flow-control window and
 * outbound buffer have room) and until fewer than {@value #IN_FLIGHT} chunks are still being written, so at most a
 * few chunks are ever buffered however slow the engineer reads. It also drops whatever the engineer sends on the
 * stream (nothing is expected but the empty end of the request).
 */
final class StreamWriter extends ChannelInboundHandlerAdapter {

    /** The largest chunk sent at once. */
    static final int CHUNK = 32 * 1024;

    private static final int IN_FLIGHT = 4;
    private static final long POLL_MILLIS = 100;

    private final Http2StreamChannel stream;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final Object writability = new Object();

    private StreamWriter(Http2StreamChannel stream) {
        this.stream = stream;
    }

    /** Installs a writer on {@code stream} (on its event loop) and turns reading on so the request's end is consumed. */
    static StreamWriter install(Http2StreamChannel stream) {
        StreamWriter writer = new StreamWriter(stream);
        stream.pipeline().addLast(writer);
        stream.config().setAutoRead(true);
        stream.read();
        return writer;
    }

    /**
     * Sends one chunk, waiting for room first; false (and the chunk released) when the stream has closed.
     */
    boolean write(ByteBuf chunk) throws InterruptedException {
        if (!awaitRoom()) {
            chunk.release();
            return false;
        }
        stream.writeAndFlush(new DefaultHttp2DataFrame(chunk, false)).addListener(done -> inFlight.release());
        return true;
    }

    /** Ends the response with trailers (HEADERS with END_STREAM), or with an empty DATA END_STREAM when null. */
    void end(@Nullable Http2Headers trailers) {
        if (trailers == null) {
            stream.writeAndFlush(new DefaultHttp2DataFrame(true));
        } else {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
        }
    }

    boolean isOpen() {
        return stream.isActive();
    }

    private boolean awaitRoom() throws InterruptedException {
        while (true) {
            if (!stream.isActive()) {
                return false;
            }
            if (inFlight.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        synchronized (writability) {
            while (stream.isActive() && !stream.isWritable()) {
                writability.wait(POLL_MILLIS);
            }
        }
        if (!stream.isActive()) {
            inFlight.release();
            return false;
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // the request's (empty) body: stdin is /dev/null, a get reads nothing
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        wake();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        wake();
        ctx.fireChannelInactive();
    }

    private void wake() {
        synchronized (writability) {
            writability.notifyAll();
        }
    }
}
