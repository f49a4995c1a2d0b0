package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One console request: the page's files ({@link Assets}), the live feed ({@code GET /api/events}) or the JSON API
 * ({@link ConsoleApi}). Every answer carries the security headers ({@link #CSP} and the rest). Runs on the console's
 * blocking executor (the API hashes passwords and waits for the link's loop), never on the I/O loop.
 */
@io.netty.channel.ChannelHandler.Sharable
final class ConsoleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Scripts, styles, images and requests from the console itself only; no inline script, no other origin. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleApi api;
    private final Assets assets;
    private final ConsoleEvents events;

    ConsoleHandler(ConsoleApi api, Assets assets, ConsoleEvents events) {
        this.api = requireNonNull(api, "api");
        this.assets = requireNonNull(assets, "assets");
        this.events = requireNonNull(events, "events");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        if (!http.decoderResult().isSuccess()) {
            send(ctx, http, ConsoleApi.error(400, "malformed HTTP request"), false);
            return;
        }
        ConsoleRequest request = request(ctx, http);
        String path = request.path();
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        ConsoleResponse response;
        if (bare.equals("/api/events") && request.method().equals("GET")) {
            ConsoleApi.Access access = api.authorize(request);
            if (access.refusal() != null || access.session() == null) {
                send(ctx, http, access.refusal() != null ? access.refusal() : ConsoleApi.error(401, "sign in"), true);
                return;
            }
            stream(ctx, http, access.session());
            return;
        }
        if (bare.startsWith("/api/")) {
            response = api.handle(request);
        } else {
            Assets.Asset asset = request.method().equals("GET") ? assets.find(bare) : null;
            response = asset == null
                    ? ConsoleApi.error(404, "not found")
                    : new ConsoleResponse(200, asset.contentType(), asset.bytes(), java.util.Map.of());
        }
        send(ctx, http, response, HttpUtil.isKeepAlive(http));
    }

    private void stream(ChannelHandlerContext ctx, FullHttpRequest http, SignIns.Session session) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        secure(response.headers());
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        if (!events.hasRoom()) {
            send(ctx, http, ConsoleApi.error(503, "too many live views open: close one"), false);
            return;
        }
        ctx.writeAndFlush(response); // the headers first: the feed's events follow them
        events.listen(ctx.channel(), session);
    }

    private static ConsoleRequest request(ChannelHandlerContext ctx, FullHttpRequest http) {
        HttpHeaders headers = http.headers();
        return new ConsoleRequest(
                http.method().name(),
                http.uri(),
                cookie(headers.get(HttpHeaderNames.COOKIE)),
                headers.get(ConsoleApi.CSRF_HEADER),
                headers.get(HttpHeaderNames.ORIGIN),
                headers.get(HttpHeaderNames.HOST),
                headers.get(HttpHeaderNames.CONTENT_TYPE),
                ByteBufUtil.getBytes(http.content()),
                source(ctx.channel().remoteAddress()));
    }

    private static @Nullable String cookie(@Nullable String header) {
        if (header == null) {
            return null;
        }
        for (Cookie cookie : ServerCookieDecoder.STRICT.decode(header)) {
            if (cookie.name().equals(ConsoleApi.COOKIE)) {
                return cookie.value();
            }
        }
        return null;
    }

    static String source(@Nullable SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null
                    ? inet.getHostString()
                    : inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    private static void send(
            ChannelHandlerContext ctx, FullHttpRequest http, ConsoleResponse answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                Unpooled.wrappedBuffer(answer.body()));
        HttpHeaders headers = response.headers();
        secure(headers);
        headers.set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        answer.headers().forEach(headers::set);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The headers every answer carries. */
    static void secure(HttpHeaders headers) {
        headers.set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set("Cross-Origin-Opener-Policy", "same-origin")
                .set("Cross-Origin-Resource-Policy", "same-origin")
                .set("Strict-Transport-Security", "max-age=31536000")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
