package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.server.sessions.SessionAttempt;
import dev.secureconnect.server.sessions.SessionGate;
import dev.secureconnect.server.sessions.SessionRefusedException;
import dev.secureconnect.server.sessions.SessionRequest;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session stream on the engineer listener (HTTP/2 only), from its request HEADERS: checks the certificate's role
 * (403 for an API client, as {@link ApiRouter#roleRefusal} decides), the login session (401) and the request (400, 401
 * for a missing token), then hands over to the {@link SessionGate}. Answers the
 * engineer 200 with {@code sc-session} (and, for a file get, the appliance's {@code sc-file-size} /
 * {@code sc-file-sha256}) once the appliance answered 200, just before the relay starts; a refusal is a HEADERS frame
 * with END_STREAM, the status and {@code sc-reason}. Reading stays off until the relay turns it on.
 */
final class SessionStreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStreamHandler.class);

    private final ApiRouter router;
    private final SessionGate gate;
    private @Nullable ChannelHandlerContext ctx; // set when the handler is added, before any frame

    SessionStreamHandler(ApiRouter router, SessionGate gate) {
        this.router = requireNonNull(router, "router");
        this.gate = requireNonNull(gate, "gate");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Called by the dispatcher with the stream's request headers. */
    void start(Http2HeadersFrame frame) {
        Channel stream =
                requireNonNull(ctx, "added to the stream before it starts").channel();
        EngineerConnection connection = EngineerConnection.of(stream);
        Http2Headers headers = frame.headers();
        if (connection == null) {
            refuse(stream, 401, "no engineer certificate on this connection");
            return;
        }
        CharSequence appliance = headers.get(LinkProtocol.HEADER_APPLIANCE);
        SessionRequest request = null;
        String refusal;
        int status = 400;
        try {
            request = SessionRequest.fromHeaders(headers);
            refusal = frame.isEndStream()
                    ? "a session request must leave the stream open for its data (no END_STREAM)"
                    : appliance == null || appliance.length() == 0
                            ? "missing " + LinkProtocol.HEADER_APPLIANCE + ": name the appliance's serial"
                            : null;
        } catch (IllegalArgumentException e) {
            refusal = e.getMessage();
        }
        ApiException wrongRole = ApiRouter.roleRefusal(connection.role(), null);
        if (wrongRole != null) { // an API client: refused whatever else its request says
            status = wrongRole.statusCode();
            refusal = wrongRole.getMessage();
            decide(stream, connection, headers, request, refusal, status, null);
            return;
        }
        SessionRequest read = request;
        String refused = refusal;
        int refusedStatus = status;
        router.checkSession( // the login sessions are in the database: read on the blocking executor
                connection,
                ApiRouter.bearer(headers.get("authorization")),
                stream.eventLoop(),
                sessionRefusal -> decide(stream, connection, headers, read, refused, refusedStatus, sessionRefusal));
    }

    /**
     * Refuses the stream, or hands it to the gate, once the login session was checked: a session refused (401) comes
     * before what was wrong with the request, and that before a missing access token. On the stream's event loop.
     */
    private void decide(
            Channel stream,
            EngineerConnection connection,
            Http2Headers headers,
            @Nullable SessionRequest request,
            @Nullable String requestRefusal,
            int requestStatus,
            @Nullable ApiException sessionRefusal) {
        CharSequence appliance = headers.get(LinkProtocol.HEADER_APPLIANCE);
        CharSequence token = headers.get(LinkProtocol.HEADER_ACCESS_TOKEN);
        String refusal = requestRefusal;
        int status = requestStatus;
        if (sessionRefusal != null) {
            status = sessionRefusal.statusCode() == 503 ? 503 : 401;
            refusal = sessionRefusal.getMessage();
        } else if (refusal == null && (token == null || token.length() == 0)) {
            status = 401;
            refusal = "missing " + LinkProtocol.HEADER_ACCESS_TOKEN + ": obtain an access token first";
        }
        if (refusal != null) {
            gate.refusedBeforeChecks(
                    connection.login(),
                    connection.source(),
                    appliance == null ? null : OneLine.quoted(appliance.toString(), 100),
                    request,
                    status,
                    refusal);
            refuse(stream, status, refusal);
            return;
        }
        SessionAttempt attempt = new SessionAttempt(
                connection.login(),
                connection.certificate(),
                connection.source(),
                appliance.toString(),
                token.toString(),
                requireNonNull(request, "a request without a refusal was read"));
        gate.open(attempt, stream, (sessionId, response) -> accept(stream, sessionId, response))
                .addListener(opened -> {
                    if (!opened.isSuccess()) {
                        Throwable cause = opened.cause();
                        refuse(
                                stream,
                                cause instanceof SessionRefusedException refused ? refused.status() : 502,
                                cause.getMessage());
                    }
                });
    }

    private void accept(Channel stream, String sessionId, Http2Headers response) {
        Http2Headers ok = new DefaultHttp2Headers().status("200").set(LinkProtocol.HEADER_SESSION, sessionId);
        for (String name : new String[] {LinkProtocol.HEADER_FILE_SIZE, LinkProtocol.HEADER_FILE_SHA256}) {
            CharSequence value = response.get(name);
            if (value != null) {
                ok.set(name, value);
            }
        }
        requireNonNull(ctx, "added to the stream before it starts")
                .pipeline()
                .remove(this); // the relay's handler takes over
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(ok, false));
    }

    private static void refuse(Channel stream, int status, @Nullable String reason) {
        String line = reason == null ? "refused" : reason.replaceAll("\\p{Cntrl}", " ");
        Http2Headers refusal = new DefaultHttp2Headers()
                .status(Integer.toString(status))
                .set(LinkProtocol.HEADER_REASON, line.length() > 500 ? line.substring(0, 500) : line);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(refusal, true)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ReferenceCountUtil.release(msg); // nothing is read before the relay; a reset closes the stream anyway
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("session stream from {} failed: {}", context.channel().remoteAddress(), cause.toString());
        context.close();
    }
}
