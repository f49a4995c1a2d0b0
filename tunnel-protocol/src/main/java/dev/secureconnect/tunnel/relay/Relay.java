package dev.secureconnect.tunnel.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.EmptyHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Relays bytes both ways between two channels until both directions have ended, with back-pressure and no
 * unbounded buffering: each side reads only while the other side is writable ({@code autoRead} follows the
 * peer's writability, as in Netty's proxy example), so at most one read's worth plus the write buffer's high
 * water mark is ever in flight per direction.
 *
 * <p>Either side is an HTTP/2 stream ({@link Http2StreamChannel}: bytes are DATA frames, the end of a
 * direction is END_STREAM) or a TCP socket ({@link DuplexChannel}: bytes are buffers, the end of a direction is
 * a half-close, {@code shutdownOutput}). Half-close is relayed: when one side ends its direction the other
 * side's output is ended, and the relay finishes when both directions have ended. An error or a reset on
 * either side closes both at once.
 *
 * <p>The channels may run on different event loops: Netty channel operations are thread-safe, and the relay's
 * own state is guarded by its lock.
 */
public final class Relay {

    /**
     * What a finished relay moved: bytes from the first channel to the second and back, why it ended, and the
     * trailers (HTTP/2 HEADERS with END_STREAM after the data) each side sent, empty when it sent none.
     */
    public record Outcome(
            long bytesFirstToSecond,
            long bytesSecondToFirst,
            boolean complete,
            String reason,
            Http2Headers trailersFromFirst,
            Http2Headers trailersFromSecond) {}

    /** How long a completed relay's HTTP/2 stream may take to send its last frames before it is reset. */
    static final Duration STREAM_END_GRACE = Duration.ofSeconds(30);

    private final Channel first;
    private final Channel second;
    private final Promise<Outcome> finished;
    private final AtomicLong firstToSecond = new AtomicLong();
    private final AtomicLong secondToFirst = new AtomicLong();
    /** How many sides have their relay handler: reading starts at two. */
    private final AtomicInteger installed = new AtomicInteger();

    private boolean firstEnded; // guarded by this
    private boolean secondEnded; // guarded by this
    private Http2Headers trailersFromFirst = EmptyHttp2Headers.INSTANCE; // guarded by this
    private Http2Headers trailersFromSecond = EmptyHttp2Headers.INSTANCE; // guarded by this

    private Relay(Channel first, Channel second) {
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
        this.finished = first.eventLoop().newPromise();
    }

    /**
     * Starts relaying between two connected channels. Each channel must have {@code autoRead} off until now and
     * must not yet have passed on any payload: a socket's pipeline holds a {@link HeldInput} from its start, for what
     * it reads regardless (epoll); the relay replays that, then turns reading on.
     *
     * @return completes once both channels are closed, with the byte counts
     */
    public static Relay start(Channel first, Channel second) {
        Relay relay = new Relay(first, second);
        // each side is set up on its own event loop: its handler is in place before it reads anything
        first.eventLoop().execute(() -> relay.install(first, second, relay.firstToSecond));
        second.eventLoop().execute(() -> relay.install(second, first, relay.secondToFirst));
        return relay;
    }

    /** Completes when the relay is over (both sides closed). */
    public io.netty.util.concurrent.Future<Outcome> finished() {
        return finished;
    }

    public long bytesFirstToSecond() {
        return firstToSecond.get();
    }

    public long bytesSecondToFirst() {
        return secondToFirst.get();
    }

    /**
     * Runs on {@code self}'s event loop: adds its relay handler; once both sides have theirs, lets each read while the
     * other is writable. Not before: a side's writability changes reach the other side only through its own handler,
     * and the two sides may run on different loops, so a side that read before the other's handler was in place could
     * fill the other, see it unwritable, stop reading, and never hear that it drained (a relay stalled for good; this
     * was the {@code LinkTest} stall).
     */
    private void install(Channel self, Channel peer, AtomicLong forwarded) {
        if (!self.isActive() || !peer.isActive()) {
            abort("a side closed before the relay started");
            return;
        }
        self.pipeline().addLast("relay", new RelayHandler(this, peer, forwarded));
        self.closeFuture().addListener(future -> sideClosed());
        if (installed.incrementAndGet() == 2) {
            startReading(first, second);
            startReading(second, first);
        }
    }

    /**
     * On {@code self}'s loop: passes on what a socket read before the relay (epoll, {@link HeldInput}), then reads
     * while {@code peer} is writable, as it is now, and asks for a first read.
     */
    private static void startReading(Channel self, Channel peer) {
        self.eventLoop().execute(() -> {
            HeldInput held = self.pipeline().get(HeldInput.class);
            if (held != null) {
                held.replay();
            }
            self.config().setAutoRead(peer.isWritable());
            self.read();
        });
    }

    /**
     * Called when {@code from} has ended its direction, with the trailers it ended with (null for none). Trailers
     * are passed on when the other side is an HTTP/2 stream too; a socket cannot carry them.
     */
    synchronized void ended(Channel from, @Nullable Http2Headers trailers) {
        if (from == first) {
            firstEnded = true;
            if (trailers != null) {
                trailersFromFirst = trailers;
            }
            endOutput(second, trailers);
        } else {
            secondEnded = true;
            if (trailers != null) {
                trailersFromSecond = trailers;
            }
            endOutput(first, trailers);
        }
        if (firstEnded && secondEnded) {
            finish(true, "both sides ended");
        }
    }

    void abort(String reason) {
        finish(false, reason);
    }

    private synchronized void sideClosed() {
        finish(firstEnded && secondEnded, firstEnded && secondEnded ? "both sides ended" : "a side closed");
    }

    private synchronized void finish(boolean complete, String reason) {
        if (finished.isDone()) {
            return;
        }
        close(first, complete);
        close(second, complete);
        Outcome outcome = new Outcome(
                firstToSecond.get(), secondToFirst.get(), complete, reason, trailersFromFirst, trailersFromSecond);
        first.closeFuture().addListener(a -> second.closeFuture().addListener(b -> finished.trySuccess(outcome)));
    }

    static void write(Channel target, ByteBuf bytes) {
        if (target instanceof Http2StreamChannel) {
            target.write(new DefaultHttp2DataFrame(bytes, false));
        } else {
            target.write(bytes);
        }
    }

    private static void endOutput(Channel target, @Nullable Http2Headers trailers) {
        if (target instanceof Http2StreamChannel && trailers != null) {
            target.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
        } else if (target instanceof Http2StreamChannel) {
            target.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        } else if (target instanceof DuplexChannel duplex) {
            // shutting the output down drops what is still in the outbound buffer: only once the data is written
            target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> duplex.shutdownOutput());
        } else {
            target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Closes one side at the end of the relay. After a complete relay an HTTP/2 stream is left to close itself: it
     * does once its END_STREAM, which flow control may still hold, has gone out (a close now would reset the stream
     * and drop it); it is closed after {@link #STREAM_END_GRACE} should the peer never take it. A socket, and any
     * side of an aborted relay, is closed behind the writes already queued for it: the two sides may run on different
     * event loops, so the last bytes forwarded from the other side may still wait in this channel's task queue
     * (queued before the relay saw both ends); a task queued on the same loop runs after them, and a socket closes
     * once an empty write behind its data has completed.
     */
    private static void close(Channel channel, boolean complete) {
        channel.eventLoop().execute(() -> {
            if (channel instanceof Http2StreamChannel && complete) {
                channel.flush();
                channel.eventLoop().schedule(() -> channel.close(), STREAM_END_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } else if (channel instanceof Http2StreamChannel || !channel.isActive()) {
                channel.close();
            } else {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }
}
