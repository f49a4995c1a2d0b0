package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamWriter} on the appliance's end of an embedded HTTP/2 stream: chunks go out as DATA in order, the
 * response ends with trailers or an empty DATA with END_STREAM, a closed stream takes no chunk (and frees it), and
 * what the engineer sends on the stream is consumed and dropped.
 */
class StreamWriterTest {

    private final EmbeddedStreams streams = new EmbeddedStreams();
    private Http2StreamChannel stream;

    @BeforeEach
    void open() {
        stream = streams.open(new DefaultHttp2Headers().method("GET").path("/v1/files?path=%2Fetc%2Fhosts"), false);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
    }

    @AfterEach
    void close() {
        streams.close();
    }

    @Test
    void chunksGoOutInOrderAndTheTrailersEndTheStream() throws Exception {
        StreamWriter writer = StreamWriter.install(stream);

        assertThat(writer.write(text("first "))).isTrue();
        assertThat(writer.write(text("second"))).isTrue();
        writer.end(new DefaultHttp2Headers().set("sc-file-size", "12"));
        streams.pump();

        assertThat(streams.received).hasSize(4);
        assertThat(((Http2HeadersFrame) streams.received.get(0)).headers().status())
                .hasToString("200");
        assertThat(data(1)).isEqualTo("first ");
        assertThat(data(2)).isEqualTo("second");
        Http2HeadersFrame trailers = (Http2HeadersFrame) streams.received.get(3);
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get("sc-file-size")).hasToString("12");
    }

    @Test
    void withoutTrailersAnEmptyDataFrameEndsTheStream() throws Exception {
        StreamWriter writer = StreamWriter.install(stream);

        assertThat(writer.write(text("all"))).isTrue();
        writer.end(null);
        streams.pump();

        assertThat(streams.received).hasSize(3);
        assertThat(data(1)).isEqualTo("all");
        Http2DataFrame end = (Http2DataFrame) streams.received.get(2);
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().readableBytes()).isZero();
    }

    @Test
    void aClosedStreamTakesNoChunkAndFreesIt() throws Exception {
        StreamWriter writer = StreamWriter.install(stream);
        stream.close();
        streams.pump();
        ByteBuf chunk = text("too late");

        assertThat(writer.isOpen()).isFalse();
        assertThat(writer.write(chunk)).isFalse();
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void whatTheEngineerSendsIsReadAndDropped() {
        List<Object> behind = new ArrayList<>();
        StreamWriter.install(stream);
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                behind.add(msg);
            }
        });
        assertThat(stream.config().isAutoRead())
                .as("reading on, so the request's end is consumed")
                .isTrue();

        ByteBuf body = text("unexpected body");
        streams.serverStream().writeAndFlush(new DefaultHttp2DataFrame(body, true));
        streams.pump();

        assertThat(behind).isEmpty();
        assertThat(body.refCnt()).as("released by the writer").isZero();
        assertThat(stream.isActive()).isTrue();
    }

    /**
     * The worker's two waits, with the worker on a thread of its own as in the product: at most four chunks are being
     * written at once (the fifth waits until one of them has gone out), and no chunk is written while the stream is not
     * writable (its flow-control window is spent) until the engineer's end reads and the window opens again. The
     * embedded channels are touched by the test's thread only: the stream's writes stop in a handler that holds them
     * until the test passes them on.
     */
    @Test
    void theWorkerWaitsForWritesInFlightAndForTheFlowControlWindow() throws Exception {
        HeldWrites held = new HeldWrites();
        stream.pipeline().addLast(held);
        StreamWriter writer = StreamWriter.install(stream);
        int chunks = 8;
        AtomicInteger written = new AtomicInteger();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            Future<?> done = worker.submit(() -> {
                for (int i = 0; i < chunks; i++) {
                    ByteBuf chunk = Unpooled.buffer(StreamWriter.CHUNK).writeZero(StreamWriter.CHUNK);
                    chunk.setByte(0, i);
                    if (!writer.write(chunk)) {
                        throw new AssertionError("the stream closed under chunk " + i);
                    }
                    written.incrementAndGet();
                }
                return null;
            });

            // none of the writes has gone out yet: after four in flight the fifth chunk waits, the stream writable
            awaitHeld(held, 4);
            assertThat(written)
                    .as("the fifth waits for one of the four in flight")
                    .hasValue(4);
            assertThat(stream.isWritable()).isTrue();

            // they go out: the first whole, the second up to the end of the 64 KiB flow-control window, the third and
            // fourth not at all; three writes still in flight (96 KiB, past the stream's high water mark): the stream
            // is not writable, and the fifth chunk, which now may start, waits for it
            held.passOn(4);
            assertThat(stream.isWritable()).isFalse();
            awaitHeld(held, 0);
            assertThat(written).as("the fifth waits for the window").hasValue(4);

            // the engineer's end reads: WINDOW_UPDATEs open the window, the worker goes on to the end
            for (int round = 0; round < 100 && !done.isDone(); round++) {
                held.passOn(held.size());
                streams.pump();
                Thread.sleep(20);
            }
            done.get(10, TimeUnit.SECONDS);
            held.passOn(held.size());
            streams.pump();
        } finally {
            worker.shutdownNow();
        }

        List<Http2DataFrame> data = streams.received.stream()
                .filter(Http2DataFrame.class::isInstance)
                .map(Http2DataFrame.class::cast)
                .toList();
        assertThat(data.stream()
                        .mapToInt(frame -> frame.content().readableBytes())
                        .sum())
                .isEqualTo(chunks * StreamWriter.CHUNK);
    }

    /** Holds the stream's writes (taken on the worker's thread) until the test passes them on, in order. */
    private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        private final Deque<Map.Entry<Object, ChannelPromise>> writes = new ArrayDeque<>();
        private volatile ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            synchronized (writes) {
                writes.add(Map.entry(msg, promise));
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // the test flushes what it passes on
        }

        int size() {
            synchronized (writes) {
                return writes.size();
            }
        }

        /** Writes the oldest {@code count} held writes on, and flushes them. */
        void passOn(int count) {
            for (int i = 0; i < count; i++) {
                Map.Entry<Object, ChannelPromise> write;
                synchronized (writes) {
                    write = writes.poll();
                }
                if (write == null) {
                    break;
                }
                ctx.write(write.getKey(), write.getValue());
            }
            ctx.flush();
        }
    }

    /** Waits (at most 10 s) until {@code count} writes are held and the worker waits for room. */
    private static void awaitHeld(HeldWrites held, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.size() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " writes held, found " + held.size());
            }
            Thread.sleep(10);
        }
        Thread.sleep(250); // more than two of the worker's 100 ms polls: a write that could go would have
    }

    private String data(int index) {
        return ((Http2DataFrame) streams.received.get(index)).content().toString(StandardCharsets.UTF_8);
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
