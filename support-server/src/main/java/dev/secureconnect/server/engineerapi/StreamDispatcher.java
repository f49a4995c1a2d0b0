package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.sessions.SessionRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * The first handler of every HTTP/2 stream on the engineer listener. The stream starts with autoRead off; this reads
 * exactly its first frame, the request HEADERS, and decides:
 *
 * <ul>
 *   <li>a session request (CONNECT, {@code POST /v1/exec}, {@code GET/PUT /v1/files}) — hands the stream to a
 *       {@link SessionStreamHandler} with reading still off, so that no DATA is read before the relay is in place;</li>
 *   <li>anything else — installs the HTTP/1 view, the aggregator and the {@link ApiRouter}, and turns reading on.</li>
 * </ul>
 */
final class StreamDispatcher extends ChannelInboundHandlerAdapter {

    private final EngineerApi api;

    StreamDispatcher(EngineerApi api) {
        this.api = requireNonNull(api, "api");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        ctx.read(); // the request headers
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (msg instanceof Http2HeadersFrame headers && SessionRequest.isSessionRequest(headers.headers())) {
            SessionStreamHandler session = api.sessionStream();
            pipeline.replace(this, "session", session);
            session.start(headers);
            return;
        }
        pipeline.addAfter(ctx.name(), "http", new Http2StreamFrameToHttpObjectCodec(true));
        pipeline.addAfter("http", "aggregator", new HttpObjectAggregator(EngineerListener.MAX_REQUEST_BYTES));
        pipeline.addAfter("aggregator", "api", api.router());
        ctx.fireChannelRead(msg);
        pipeline.remove(this);
        ctx.channel().config().setAutoRead(true);
    }
}
