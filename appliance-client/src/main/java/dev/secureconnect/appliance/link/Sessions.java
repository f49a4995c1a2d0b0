package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.AuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.appliance.internal.OneLine;
import dev.secureconnect.tunnel.audit.EventType;
import dev.secureconnect.tunnel.link.StreamRequest;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.relay.Relay;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session streams of the appliance: each {@code CONNECT} is put to the {@link StreamPolicy} first — refused with
 * 403 and audited, nothing dialled — and only when allowed is the local service dialled (502 when it is down), then
 * relayed with back-pressure until either side ends. Every open session is registered here so the kill switch, a
 * ticket's disconnection or an allow-list change can close it.
 *
 * <p>Used on the link's event loop only.
 */
final class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    static final String SERVER_ACTOR = "server";

    /** One open session: a stream relayed to a local socket. */
    static final class Session {
        final String id;
        final String ticket;
        final String target;
        final int port;
        final Instant opened;
        final Channel stream;
        final Channel socket;
        String closeReason;

        Session(String id, String ticket, String target, int port, Instant opened, Channel stream, Channel socket) {
            this.id = id;
            this.ticket = ticket;
            this.target = target;
            this.port = port;
            this.opened = opened;
            this.stream = stream;
            this.socket = socket;
        }

        void close(String reason) {
            if (closeReason == null) {
                closeReason = reason;
            }
            stream.close();
            socket.close();
        }
    }

    private final AuditSink audit;
    private final Clock clock;
    private final Duration serviceTimeout;
    private final String serial;
    private final Map<Channel, Session> open = new LinkedHashMap<>();

    Sessions(AuditSink audit, Clock clock, Duration serviceTimeout, String serial) {
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.serviceTimeout = requireNonNull(serviceTimeout, "serviceTimeout");
        this.serial = serial;
    }

    /**
     * Handles a {@code CONNECT}: decide, then dial and relay or refuse. {@code policy} is asked again once the service
     * answered, so a ticket disconnected meanwhile does not get its session.
     */
    void open(Http2StreamChannel stream, StreamRequest request, Supplier<StreamPolicy> policy) {
        String session = OneLine.of(request.sessionId());
        String target = request.authority();
        StreamPolicy.Decision decision = decide(policy.get(), request);
        if (!decision.allowed()) {
            refuse(stream, request, 403, decision.reason(), AuditEvent.REFUSED);
            return;
        }
        new Bootstrap().group(stream.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) serviceTimeout.toMillis())
                .handler(new ChannelInboundHandlerAdapter())
                .connect(decision.target())
                .addListener((ChannelFuture connected) -> {
                    if (!connected.isSuccess()) {
                        refuse(stream, request, 502, serviceDown(decision, connected.cause()), AuditEvent.FAILURE);
                        return;
                    }
                    Channel socket = connected.channel();
                    if (!stream.isActive()) {
                        socket.close();
                        audit(AuditEvent.of(EventType.STREAM_REFUSED, SERVER_ACTOR).ticket(request.ticket()).session(session)
                                .target(target).failed("the server closed the stream before the service answered").build());
                        return;
                    }
                    StreamPolicy.Decision again = decide(policy.get(), request);
                    if (!again.allowed()) {
                        socket.close();
                        refuse(stream, request, 403, again.reason(), AuditEvent.REFUSED);
                        return;
                    }
                    relay(stream, socket, request, decision);
                });
    }

    private void relay(Http2StreamChannel stream, Channel socket, StreamRequest request, StreamPolicy.Decision decision) {
        String session = OneLine.of(request.sessionId());
        String target = request.authority();
        try {
            audit.record(AuditEvent.of(EventType.STREAM_OPENED, SERVER_ACTOR).ticket(request.ticket()).session(session)
                    .target(target).reason("service " + decision.service()).build());
        } catch (RuntimeException e) {
            log.error("appliance {} ticket {} session {}: cannot audit the stream to {}, refusing it: {}", serial,
                    request.ticket(), session, target, e.getMessage());
            socket.close();
            StreamRequestHandler.respond(stream, 503, "the appliance cannot write its audit log");
            return;
        }
        Session opened = new Session(session, request.ticket(), target, request.port(), clock.instant(), stream, socket);
        open.put(stream, opened);
        log.info("appliance {} ticket {} session {}: stream to {} ({}) opened", serial, request.ticket(), session, target,
                decision.service());
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        Relay.start(stream, socket).finished().addListener(done -> {
            open.remove(stream);
            Relay.Outcome outcome = (Relay.Outcome) done.getNow();
            String why = opened.closeReason != null ? opened.closeReason : outcome.reason();
            long toService = outcome == null ? 0 : outcome.bytesFirstToSecond();
            long fromService = outcome == null ? 0 : outcome.bytesSecondToFirst();
            log.info("appliance {} ticket {} session {}: stream to {} closed ({}): {} bytes to the service, {} bytes back",
                    serial, request.ticket(), session, target, why, toService, fromService);
            audit(AuditEvent.of(EventType.STREAM_CLOSED, SERVER_ACTOR).ticket(request.ticket()).session(session)
                    .target(target).reason(why).bytes(toService, fromService).build());
        });
    }

    private void refuse(Http2StreamChannel stream, StreamRequest request, int status, String reason, String outcome) {
        String session = OneLine.of(request.sessionId());
        log.warn("appliance {} ticket {} session {}: stream to {} refused ({}): {}", serial, request.ticket(), session,
                request.authority(), status, reason);
        AuditEvent.Builder event = AuditEvent.of(EventType.STREAM_REFUSED, SERVER_ACTOR).ticket(request.ticket())
                .session(session).target(request.authority());
        audit(AuditEvent.FAILURE.equals(outcome) ? event.failed(reason).build() : event.refused(reason).build());
        StreamRequestHandler.respond(stream, status, reason); // after the audit record is written
    }

    private static StreamPolicy.Decision decide(StreamPolicy policy, StreamRequest request) {
        try {
            return requireNonNull(policy.decide(request), "decision");
        } catch (RuntimeException e) {
            return StreamPolicy.Decision.deny("the stream policy failed: " + OneLine.of(e.getMessage()));
        }
    }

    private String serviceDown(StreamPolicy.Decision decision, Throwable cause) {
        String service = "service " + decision.service() + " on port " + decision.target().getPort();
        if (cause instanceof ConnectTimeoutException) {
            return service + " did not answer within " + Durations.format(serviceTimeout);
        }
        if (cause instanceof ConnectException) {
            return service + " is not running";
        }
        return service + " cannot be reached: " + OneLine.of(cause.getMessage());
    }

    private void audit(AuditEvent event) {
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            log.error("appliance {}: cannot write the audit event {}: {}", serial, event.type().eventName(), e.getMessage());
        }
    }

    int count(String ticket) {
        int n = 0;
        for (Session session : open.values()) {
            if (session.ticket.equals(ticket)) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return open.size();
    }

    /** Closes every session matching {@code which}, recording {@code reason} as why. */
    void close(Predicate<Session> which, String reason) {
        List<Session> closing = new ArrayList<>();
        for (Session session : open.values()) {
            if (which.test(session)) {
                closing.add(session);
            }
        }
        closing.forEach(session -> session.close(reason));
    }

    void closeAll(String reason) {
        close(session -> true, reason);
    }
}
