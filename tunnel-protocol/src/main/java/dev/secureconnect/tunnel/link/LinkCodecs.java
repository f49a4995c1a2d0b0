package dev.secureconnect.tunnel.link;

import dev.secureconnect.crypto.text.OneLine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Puts the link's HTTP/2 layer on a TLS connection, with roles reversed from the TCP direction: the appliance
 * (which dialled) is the HTTP/2 server and the support server is the HTTP/2 client that opens streams. Netty's
 * {@code Http2FrameCodec} + {@code Http2MultiplexHandler} give one child channel per stream, flow control,
 * stream limits and GOAWAY; a keep-alive handler sends PING when the link is quiet and closes it when the peer
 * has been silent for {@link LinkSettings#deadLinkTimeout()}.
 */
public final class LinkCodecs {

    /** Why a link was closed by this side (dead link, protocol error), for status and audit. */
    public static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("secureconnect.link.closeReason");

    /** The longest close reason sent in a GOAWAY frame, in characters. */
    static final int MAX_REASON = 200;

    private LinkCodecs() {}

    /**
     * The appliance side: HTTP/2 server; {@code streamHandler} is added to every stream the server opens.
     *
     * <p>Call this only once the connection is up (after the TLS handshake): the HTTP/2 server enlarges its
     * connection window with a WINDOW_UPDATE as soon as it is added, and on a channel that is not yet connected
     * that update would be lost, leaving the peer stuck at the 64 KiB default window.
     */
    public static void installApplianceSide(
            ChannelPipeline pipeline, LinkSettings settings, ChannelHandler streamHandler) {
        if (!pipeline.channel().isActive()) {
            throw new IllegalStateException("install the appliance side of the link once the connection is up");
        }
        pipeline.addLast("idle", idleHandler(settings));
        pipeline.addLast(
                "http2",
                Http2Connections.serverCodec()
                        .initialSettings(http2Settings(settings, false))
                        .build());
        pipeline.addLast("streams", new Http2MultiplexHandler(streamHandler));
        pipeline.addLast("keepalive", new Http2Connections.KeepAlive(settings.deadLinkTimeout()));
    }

    /** The server side: HTTP/2 client; open streams with {@link StreamOpener}. */
    public static void installServerSide(ChannelPipeline pipeline, LinkSettings settings) {
        installServerSide(pipeline, settings, Http2Connections.ResetLimit.DEFAULT);
    }

    /**
     * The server side: HTTP/2 client; open streams with {@link StreamOpener}. {@code resets} bounds the RST_STREAM
     * frames received (Netty's client codec has no such limit by default).
     */
    public static void installServerSide(
            ChannelPipeline pipeline, LinkSettings settings, Http2Connections.ResetLimit resets) {
        pipeline.addLast("idle", idleHandler(settings));
        pipeline.addLast(
                "http2",
                resets.applyTo(Http2FrameCodecBuilder.forClient())
                        .initialSettings(http2Settings(settings, true))
                        .build());
        pipeline.addLast("streams", new Http2MultiplexHandler(new Http2Connections.RefuseInboundStreams()));
        pipeline.addLast("keepalive", new Http2Connections.KeepAlive(settings.deadLinkTimeout()));
    }

    static Http2Settings http2Settings(LinkSettings settings, boolean client) {
        Http2Settings http2 = Http2Connections.settings(settings.streamWindowBytes())
                .maxConcurrentStreams(settings.maxConcurrentStreams());
        if (client) {
            http2.pushEnabled(false);
        }
        return http2;
    }

    private static IdleStateHandler idleHandler(LinkSettings settings) {
        return Http2Connections.idleHandler(settings.deadLinkTimeout(), settings.keepAliveInterval());
    }

    /**
     * Records why this side closes a link, tells the peer in a GOAWAY frame (its debug data carries the reason, so
     * the peer can show and audit it), then closes the connection.
     */
    public static void close(Channel link, String reason) {
        link.attr(CLOSE_REASON).setIfAbsent(reason);
        if (link.isActive() && link.pipeline().get(Http2FrameCodec.class) != null) {
            ByteBuf debug = Unpooled.copiedBuffer(truncate(reason), StandardCharsets.UTF_8);
            link.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR, debug))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            link.close();
        }
    }

    static String truncate(@Nullable String reason) {
        return OneLine.clipped(OneLine.folded(reason), MAX_REASON);
    }
}
