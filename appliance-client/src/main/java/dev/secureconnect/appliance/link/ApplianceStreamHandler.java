package dev.secureconnect.appliance.link;

import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequest;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream the server opened on the link: the hello watch, an admission, or a session {@code CONNECT}; anything
 * else is answered 404. A new instance serves each stream.
 */
final class ApplianceStreamHandler extends StreamRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(ApplianceStreamHandler.class);

    private final LinkSupervisor supervisor;
    private final LinkSupervisor.Link link;

    /** @param link the supervisor's record of the link this stream belongs to */
    ApplianceStreamHandler(LinkSupervisor supervisor, LinkSupervisor.Link link) {
        this.supervisor = supervisor;
        this.link = link;
    }

    @Override
    protected void onConnect(Http2StreamChannel stream, StreamRequest request) {
        supervisor.streamRequested(link, stream, request);
    }

    @Override
    protected void onRequest(Http2StreamChannel stream, Http2Headers headers, byte[] body) {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        if (path != null && LinkProtocol.PATH_HELLO.contentEquals(path) && method != null && "GET".contentEquals(method)) {
            supervisor.helloRequested(link, stream);
        } else if (path != null && LinkProtocol.PATH_ADMISSION.contentEquals(path) && method != null
                && "POST".contentEquals(method)) {
            Admission admission;
            try {
                admission = LinkJson.decode(body, Admission.class);
            } catch (LinkException e) {
                respond(stream, 400, e.getMessage());
                return;
            }
            supervisor.admission(link, stream, admission);
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
