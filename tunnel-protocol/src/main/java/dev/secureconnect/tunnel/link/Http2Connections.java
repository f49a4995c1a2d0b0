package dev.secureconnect.tunnel.link;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every HTTP/2 connection of SecureConnect shares — the link between an appliance and the server, and an
 * engineer's connection to the server, on both sides: the largest frame, the settings built on it, the keep-alive
 * (PING when the connection is quiet, close when the peer has been silent too long), the server side's codec
 * ({@link #serverCodec}) and the refusal of streams the peer must not open.
 */
public final class Http2Connections {

    /**
     * The largest HTTP/2 frame either side accepts: a DATA frame of a 64 KiB socket read goes as one frame rather than
     * four, which costs less per byte (the TLS records under it are 16 KiB whatever the frame size).
     */
    public static final int MAX_FRAME_BYTES = 64 * 1024;

    /**
     * The HTTP/2 receive window of each stream of an engineer's connection to the server, on both sides: what one side
     * may send on a session stream before the other acknowledges. HTTP/2's default of 64 KiB caps an upload at 64 KiB
     * per round trip; this covers a busy machine's round trip at a few hundred MB/s.
     */
    public static final int ENGINEER_WINDOW_BYTES = 2 * 1024 * 1024;

    /** HTTP/2's initial connection window, which only a WINDOW_UPDATE frame enlarges (RFC 9113, 6.9.2). */
    public static final int INITIAL_CONNECTION_WINDOW_BYTES = 65_535;

    private Http2Connections() {}

    /**
     * The most RST_STREAM frames a connection may receive within a window: past it the connection is closed with GOAWAY
     * {@code ENHANCE_YOUR_CALM}. It stops HTTP/2 "rapid reset" (a peer opening and cancelling streams faster than the
     * server can tear them down). The frames this side sends are left to Netty's own limit (servers only): on the
     * appliance link the server resets streams itself when engineers cancel sessions or a token is revoked, and a
     * limit there would close a busy link.
     *
     * @param maxFrames RST_STREAM frames allowed per window
     * @param window the window, whole seconds (at least one)
     */
    public record ResetLimit(int maxFrames, Duration window) {

        /** 100 RST_STREAM frames received per 10 s. */
        public static final ResetLimit DEFAULT = new ResetLimit(100, Duration.ofSeconds(10));

        public ResetLimit {
            if (maxFrames < 1 || window.toSeconds() < 1) {
                throw new IllegalArgumentException("reset limit: " + maxFrames + " per " + window
                        + " (expected: at least 1 frame per at least 1 s)");
            }
        }

        /** The codec builder with this limit on the frames it reads. */
        public Http2FrameCodecBuilder applyTo(Http2FrameCodecBuilder builder) {
            return builder.decoderEnforceMaxRstFramesPerWindow(
                    maxFrames, (int) Math.min(Integer.MAX_VALUE, window.toSeconds()));
        }
    }

    /**
     * {@code Http2FrameCodecBuilder.forServer()}, except that frames the peer sent on a stream before it learnt that
     * this side had reset it are ignored, as RFC 9113 section 5.1 asks, instead of being answered with an RST_STREAM
     * (STREAM_CLOSED) each. Netty answers every such frame once the stream is gone, and counts the answers against the
     * limit it puts on the RST_STREAM frames a server sends (200 in 30 s, its guard against "MadeYouReset"): a bulk
     * upload reset with its window in flight (the service closed its socket, and 2 MiB of 16 to 64 KiB DATA frames
     * were still on the way) cost a few dozen answers, and a few parallel uploads made the server close an engineer's
     * whole connection, and the appliance the whole link. Resets of streams that still exist count as before.
     */
    public static Http2FrameCodecBuilder serverCodec() {
        return new ServerCodecBuilder();
    }

    /** The settings of a connection whose streams receive {@code streamWindowBytes} before an acknowledgement. */
    public static Http2Settings settings(int streamWindowBytes) {
        return Http2Settings.defaultSettings()
                .initialWindowSize(streamWindowBytes)
                .maxFrameSize(MAX_FRAME_BYTES);
    }

    /**
     * The idle timer the {@link KeepAlive} acts on: a PING after {@code keepAliveInterval} without traffic either way,
     * the connection closed after {@code deadLinkTimeout} without anything received ({@link Duration#ZERO}: never).
     */
    public static IdleStateHandler idleHandler(Duration deadLinkTimeout, Duration keepAliveInterval) {
        return new IdleStateHandler(deadLinkTimeout.toMillis(), 0, keepAliveInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * PING when quiet; close when the peer has sent nothing for the dead-link timeout. PING answers are dropped, and a
     * GOAWAY's reason is kept as the connection's {@link LinkCodecs#CLOSE_REASON}.
     */
    public static final class KeepAlive extends ChannelInboundHandlerAdapter {
        private final Duration deadLinkTimeout;

        /** @param deadLinkTimeout as given to {@link #idleHandler} */
        public KeepAlive(Duration deadLinkTimeout) {
            this.deadLinkTimeout = deadLinkTimeout;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.READER_IDLE) {
                    LinkCodecs.close(
                            ctx.channel(), "dead link: nothing received for " + deadLinkTimeout.toSeconds() + " s");
                } else if (idle.state() == IdleState.ALL_IDLE) {
                    ctx.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime()));
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2PingFrame) {
                ReferenceCountUtil.release(msg); // acks are automatic; the read itself reset the idle timer
                return;
            }
            if (msg instanceof Http2GoAwayFrame goAway) {
                // the peer is closing the connection and may say why: keep it as this connection's close reason
                String debug = goAway.content().toString(StandardCharsets.UTF_8);
                if (!debug.isBlank()) {
                    ctx.channel().attr(LinkCodecs.CLOSE_REASON).setIfAbsent("peer: " + LinkCodecs.truncate(debug));
                }
                goAway.release();
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** {@link #serverCodec}: Netty's server codec whose encoder is wrapped in {@link LateFramesIgnored}. */
    private static final class ServerCodecBuilder extends Http2FrameCodecBuilder {
        ServerCodecBuilder() {
            server(true);
            gracefulShutdownTimeoutMillis(0); // as forServer()
        }

        @Override
        protected Http2FrameCodec build(
                Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
            return super.build(decoder, new LateFramesIgnored(encoder), initialSettings);
        }
    }

    /**
     * Drops the RST_STREAM (STREAM_CLOSED) Netty writes for a frame received on a stream it no longer knows (closed,
     * after this side reset it): the peer sent it before it got the reset, and knows of the reset by now.
     */
    static final class LateFramesIgnored extends DecoratingHttp2ConnectionEncoder {
        LateFramesIgnored(Http2ConnectionEncoder delegate) {
            super(delegate);
        }

        @Override
        public ChannelFuture writeRstStream(
                ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
            if (errorCode == Http2Error.STREAM_CLOSED.code() && connection().stream(streamId) == null) {
                return promise.setSuccess();
            }
            return super.writeRstStream(ctx, streamId, errorCode, promise);
        }
    }

    /** For the side that never accepts a stream from its peer: any stream the peer opens is closed. */
    @ChannelHandler.Sharable
    public static final class RefuseInboundStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
