package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequest;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream the server opened on the link: the hello watch, an admission, a revocation push, a token key push, an
 * audit hash request, a renewed certificate, or a session request
 * ({@code CONNECT}, exec, get, put); anything else is answered 404. A new instance serves each stream.
 */
final class ApplianceStreamHandler extends StreamRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(ApplianceStreamHandler.class);

    private final LinkSupervisor supervisor;
    private final LinkAttempt link;

    /** @param link the supervisor's record of the link this stream belongs to */
    ApplianceStreamHandler(LinkSupervisor supervisor, LinkAttempt link) {
        this.supervisor = supervisor;
        this.link = link;
    }

    /** The request's headers, kept for the CONNECT's session credentials. */
    private @Nullable Http2Headers requestHeaders;

    /**
     * Takes an exec or file request at its HEADERS — its body only follows once it is answered 200 — and hands every
     * other frame to the control-request handling.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (requestHeaders == null && msg instanceof Http2HeadersFrame frame) {
            requestHeaders = frame.headers();
            SessionRequest session = SessionRequest.of(frame.headers());
            if (session != null) {
                Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
                stream.config().setAutoRead(false);
                ctx.pipeline().remove(this);
                supervisor.sessionRequested(link, stream, session);
                return;
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void onConnect(Http2StreamChannel stream, StreamRequest request) {
        supervisor.sessionRequested(
                link,
                stream,
                SessionRequest.connect(request, requireNonNull(requestHeaders, "headers come before data")));
    }

    @Override
    protected void onRequest(Http2StreamChannel stream, Http2Headers headers, byte[] body) {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        if (path != null
                && LinkProtocol.PATH_HELLO.contentEquals(path)
                && method != null
                && "GET".contentEquals(method)) {
            supervisor.helloRequested(link, stream);
        } else if (path != null
                && LinkProtocol.PATH_ADMISSION.contentEquals(path)
                && method != null
                && "POST".contentEquals(method)) {
            Admission admission;
            try {
                admission = LinkJson.decode(body, Admission.class);
            } catch (LinkException e) {
                respond(stream, 400, e.getMessage());
                return;
            }
            supervisor.admission(
                    link, admission, status -> respond(stream, status, status == 200 ? null : "this link is closing"));
        } else if (path != null
                && LinkProtocol.PATH_REVOCATIONS.contentEquals(path)
                && method != null
                && "POST".contentEquals(method)) {
            supervisor.revocationsReceived(link, stream, body);
        } else if (path != null
                && LinkProtocol.PATH_TOKEN_KEYS.contentEquals(path)
                && method != null
                && "POST".contentEquals(method)) {
            supervisor.tokenKeysReceived(link, stream, body);
        } else if (path != null && AuditHashRequests.matches(path) && method != null && "GET".contentEquals(method)) {
            supervisor.auditHashRequested(link, stream, path);
        } else if (path != null
                && LinkProtocol.PATH_CASES.contentEquals(path)
                && method != null
                && "POST".contentEquals(method)) {
            supervisor.casesReceived(link, stream, body);
        } else if (path != null
                && LinkProtocol.PATH_CERTIFICATE.contentEquals(path)
                && method != null
                && "POST".contentEquals(method)) {
            supervisor.certificateReceived(link, stream, body);
        } else {
            respond(stream, 404, "no such request: " + method + " " + path);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
