package dev.secureconnect.tunnel.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of opening streams on a link: session streams ({@code CONNECT}), one-shot control requests
 * and the hello watch. Streams open with {@code autoRead} off so that no payload is read before its consumer is in
 * place.
 */
public final class StreamOpener {

    private StreamOpener() {}

    /** The answer to a control request: status and body. */
    public record Response(int status, String reason, byte[] body) {}

    /** A stream whose peer answered 200, with the response headers it sent. */
    public record Opened(Http2StreamChannel stream, Http2Headers response) {}

    /**
     * Opens a CONNECT stream and completes with it once the appliance answered 200 (connected to its service), or
     * fails with a {@link LinkException} carrying the appliance's reason. The stream comes back with autoRead off,
     * ready for a {@code Relay}.
     */
    public static Future<Http2StreamChannel> connect(Channel link, StreamRequest request, Duration timeout) {
        Promise<Http2StreamChannel> result = link.eventLoop().newPromise();
        open(link, request.toHeaders(), timeout).addListener(opened -> {
            if (opened.isSuccess()) {
                result.trySuccess(((Opened) opened.getNow()).stream());
            } else {
                result.tryFailure(opened.cause());
            }
        });
        return result;
    }

    /**
     * Opens a stream with any request (a {@code CONNECT}, an exec or a file request) whose body follows as DATA, and
     * completes once the peer answered 200, with the stream (autoRead off, ready for a {@code Relay}) and the
     * response headers. Any other answer fails with a {@link StreamRefusedException} carrying the status and the
     * peer's reason; no answer within {@code timeout}, a reset or a close fail with a {@link LinkException}.
     */
    public static Future<Opened> open(Channel connection, Http2Headers request, Duration timeout) {
        Promise<Opened> result = connection.eventLoop().newPromise();
        open(
                connection,
                new AwaitResponse(result, null, timeout),
                new DefaultHttp2HeadersFrame(request, false),
                null,
                result);
        return result;
    }

    /** Sends a request with a small body (or none) and collects the whole response, bounded in size and time. */
    public static Future<Response> request(Channel link, String method, String path, byte[] body, Duration timeout) {
        Promise<Response> result = link.eventLoop().newPromise();
        Http2Headers headers = new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme("https")
                .authority("appliance");
        boolean empty = body == null || body.length == 0;
        open(
                link,
                new CollectResponse(result, timeout),
                new DefaultHttp2HeadersFrame(headers, empty),
                empty ? null : new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true),
                result);
        return result;
    }

    /**
     * Opens a long-lived GET whose response body is newline-delimited messages; {@code onMessage} receives each
     * message (on the link's event loop) until the stream ends. Completes with the stream once the appliance
     * answered 200.
     */
    public static Future<Http2StreamChannel> watch(
            Channel link, String path, Consumer<byte[]> onMessage, Duration timeout) {
        Promise<Opened> opened = link.eventLoop().newPromise();
        Promise<Http2StreamChannel> result = link.eventLoop().newPromise();
        opened.addListener(done -> {
            if (done.isSuccess()) {
                result.trySuccess(opened.getNow().stream());
            } else {
                result.tryFailure(done.cause());
            }
        });
        Http2Headers headers = new DefaultHttp2Headers()
                .method("GET")
                .path(path)
                .scheme("https")
                .authority("appliance");
        open(
                link,
                new AwaitResponse(opened, onMessage, timeout),
                new DefaultHttp2HeadersFrame(headers, true),
                null,
                opened);
        return result;
    }

    private static void open(
            Channel link,
            ChannelInboundHandlerAdapter handler,
            Http2HeadersFrame headers,
            @Nullable Http2DataFrame body,
            Promise<?> result) {
        new Http2StreamChannelBootstrap(link)
                .option(ChannelOption.AUTO_READ, false)
                .handler(handler)
                .open()
                .addListener(opened -> {
                    if (!opened.isSuccess()) {
                        ReferenceCountUtil.release(body);
                        result.tryFailure(new LinkException(
                                "cannot open a stream on the link: "
                                        + opened.cause().getMessage(),
                                opened.cause()));
                        return;
                    }
                    Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                    stream.write(headers);
                    if (body != null) {
                        stream.write(body);
                    }
                    stream.flush();
                    stream.read();
                });
    }

    static String reason(Http2Headers headers) {
        CharSequence reason = headers.get(LinkProtocol.HEADER_REASON);
        return reason == null ? "" : reason.toString();
    }

    static int status(Http2Headers headers) {
        try {
            return headers.status() == null
                    ? 0
                    : Integer.parseInt(headers.status().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Base: fails the promise on timeout, reset or early close. */
    private abstract static class ResponseHandler<T> extends ChannelInboundHandlerAdapter {
        final Promise<T> result;
        private final Duration timeout;

        ResponseHandler(Promise<T> result, Duration timeout) {
            this.result = result;
            this.timeout = timeout;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ScheduledFuture<?> timer = ctx.executor()
                    .schedule(
                            () -> {
                                if (result.tryFailure(new LinkException(
                                        "the peer did not answer within " + timeout.toSeconds() + " s"))) {
                                    ctx.close();
                                }
                            },
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
            result.addListener(done -> timer.cancel(false));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2ResetFrame reset) {
                fail(ctx, "the peer reset the stream (" + reset.errorCode() + ")");
                return;
            }
            onFrame(ctx, msg);
        }

        abstract void onFrame(ChannelHandlerContext ctx, Object msg);

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.tryFailure(new LinkException("the stream closed before the peer answered"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, "stream failed: " + cause.getMessage());
        }

        void fail(ChannelHandlerContext ctx, String message) {
            result.tryFailure(new LinkException(message));
            ctx.close();
        }
    }

    /** Completes with the stream on 200; with a watch consumer, then feeds it the newline-delimited body. */
    private static final class AwaitResponse extends ResponseHandler<Opened> {
        private final @Nullable Consumer<byte[]> onMessage;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        AwaitResponse(Promise<Opened> result, @Nullable Consumer<byte[]> onMessage, Duration timeout) {
            super(result, timeout);
            this.onMessage = onMessage;
        }

        @Override
        void onFrame(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!result.isDone()) {
                    if (!(msg instanceof Http2HeadersFrame headers)) {
                        fail(ctx, "the peer sent " + msg.getClass().getSimpleName() + " before its response headers");
                        return;
                    }
                    int status = status(headers.headers());
                    if (status != 200) {
                        String reason = reason(headers.headers());
                        result.tryFailure(new StreamRefusedException(
                                status, reason.isEmpty() ? "the peer answered " + status : reason));
                        ctx.close();
                        return;
                    }
                    result.trySuccess(new Opened((Http2StreamChannel) ctx.channel(), headers.headers()));
                    if (onMessage == null) {
                        ctx.pipeline().remove(this); // the relay takes over and turns reading on
                    } else {
                        ctx.channel().config().setAutoRead(true);
                    }
                    return;
                }
                if (msg instanceof Http2DataFrame data) {
                    split(data.content());
                    if (data.isEndStream()) {
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void split(ByteBuf content) {
            while (content.isReadable()) {
                byte b = content.readByte();
                if (b == '\n') {
                    if (line.size() > 0 && onMessage != null) {
                        onMessage.accept(line.toByteArray());
                    }
                    line.reset();
                } else if (line.size() >= LinkProtocol.MAX_MESSAGE_BYTES) {
                    throw new LinkException("a watched message exceeds " + LinkProtocol.MAX_MESSAGE_BYTES + " bytes");
                } else {
                    line.write(b);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!result.isDone()) {
                ctx.read();
            }
            ctx.fireChannelReadComplete();
        }
    }

    /** Collects the status and the whole body of a control response. */
    private static final class CollectResponse extends ResponseHandler<Response> {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private String reason = "";

        CollectResponse(Promise<Response> result, Duration timeout) {
            super(result, timeout);
        }

        @Override
        void onFrame(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame headers) {
                    if (status == 0) {
                        status = status(headers.headers());
                        reason = reason(headers.headers());
                    }
                    end = headers.isEndStream();
                } else if (msg instanceof Http2DataFrame data) {
                    if (body.size() + data.content().readableBytes() > LinkProtocol.MAX_MESSAGE_BYTES) {
                        fail(ctx, "the response exceeds " + LinkProtocol.MAX_MESSAGE_BYTES + " bytes");
                        return;
                    }
                    body.writeBytes(ByteBufUtil.getBytes(data.content()));
                    end = data.isEndStream();
                }
                if (end) {
                    result.trySuccess(new Response(status, reason, body.toByteArray()));
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!result.isDone()) {
                ctx.read();
            }
            ctx.fireChannelReadComplete();
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
