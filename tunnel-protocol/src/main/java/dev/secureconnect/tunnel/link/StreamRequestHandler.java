package dev.secureconnect.tunnel.link;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The appliance's side of one stream the server opened: a {@code CONNECT} is handed over at once (reading is
 * turned off until the relay is in place); any other request is collected, bounded, and then answered.
 * A new instance serves each stream.
 */
public abstract class StreamRequestHandler extends ChannelInboundHandlerAdapter {

    private @Nullable Http2Headers request;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** A session stream: connect to the service (or refuse with {@link #respond}); reading is off until then. */
    protected abstract void onConnect(Http2StreamChannel stream, StreamRequest request);

    /** A control request with its whole body. */
    protected abstract void onRequest(Http2StreamChannel stream, Http2Headers headers, byte[] body);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
        try {
            if (request == null && msg instanceof Http2HeadersFrame headers) {
                request = headers.headers();
                if (headers.headers().method() != null
                        && "CONNECT".contentEquals(headers.headers().method())) {
                    stream.config().setAutoRead(false);
                    ctx.pipeline().remove(this);
                    StreamRequest connect;
                    try {
                        connect = StreamRequest.fromHeaders(headers.headers());
                    } catch (LinkException e) {
                        respond(stream, 400, e.getMessage());
                        return;
                    }
                    onConnect(stream, connect);
                    return;
                }
                if (headers.isEndStream()) {
                    onRequest(stream, request, new byte[0]);
                }
            } else if (request != null && msg instanceof Http2DataFrame data) {
                if (body.size() + data.content().readableBytes() > LinkProtocol.MAX_MESSAGE_BYTES) {
                    respond(stream, 413, "request body exceeds " + LinkProtocol.MAX_MESSAGE_BYTES + " bytes");
                    return;
                }
                body.writeBytes(ByteBufUtil.getBytes(data.content()));
                if (data.isEndStream()) {
                    onRequest(stream, request, body.toByteArray());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Answers with a status and no body, ending the stream; a non-200 status carries the reason header. */
    public static void respond(Http2StreamChannel stream, int status, @Nullable String reason) {
        Http2Headers headers = new DefaultHttp2Headers().status(Integer.toString(status));
        if (reason != null && !reason.isEmpty()) {
            headers.set(LinkProtocol.HEADER_REASON, reason.replaceAll("\\p{Cntrl}", " "));
        }
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
    }

    /** Answers 200 with a body; with {@code end} false the stream stays open for more ({@link #send}). */
    public static void respondWith(Http2StreamChannel stream, byte[] body, boolean end) {
        stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), end));
    }

    /** Sends one more newline-terminated message on an open response (a watch). */
    public static void send(Http2StreamChannel stream, byte[] message) {
        byte[] line = new byte[message.length + 1];
        System.arraycopy(message, 0, line, 0, message.length);
        line[message.length] = '\n';
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(line), false));
    }
}
