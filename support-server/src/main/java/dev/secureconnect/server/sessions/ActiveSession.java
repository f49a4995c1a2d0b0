package dev.secureconnect.server.sessions;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.relay.Relay;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A session stream relayed by this node: who, where, since when, and the bytes moved so far. The channels are held
 * so that a revocation can reset the stream at once.
 */
public final class ActiveSession {

    private final String id;
    private final String engineer;
    private final String appliance;
    private final String ticket;
    private final UUID tokenId;
    private final SessionRequest request;
    private final String source;
    private final Instant startedAt;
    private final Channel client;
    private final Channel applianceStream;
    private volatile @Nullable Relay relay; // null until the relay starts
    private volatile @Nullable String endReason;

    ActiveSession(
            String id,
            String engineer,
            String appliance,
            String ticket,
            UUID tokenId,
            SessionRequest request,
            String source,
            Instant startedAt,
            Channel client,
            Channel applianceStream) {
        this.id = requireNonNull(id, "id");
        this.engineer = requireNonNull(engineer, "engineer");
        this.appliance = requireNonNull(appliance, "appliance");
        this.ticket = requireNonNull(ticket, "ticket");
        this.tokenId = requireNonNull(tokenId, "tokenId");
        this.request = requireNonNull(request, "request");
        this.source = source;
        this.startedAt = requireNonNull(startedAt, "startedAt");
        this.client = requireNonNull(client, "client");
        this.applianceStream = requireNonNull(applianceStream, "applianceStream");
    }

    public String id() {
        return id;
    }

    public String engineer() {
        return engineer;
    }

    public String appliance() {
        return appliance;
    }

    public String ticket() {
        return ticket;
    }

    public UUID tokenId() {
        return tokenId;
    }

    public SessionRequest request() {
        return request;
    }

    public String source() {
        return source;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public long bytesToAppliance() {
        Relay current = relay;
        return current == null ? 0 : current.bytesFirstToSecond();
    }

    public long bytesFromAppliance() {
        Relay current = relay;
        return current == null ? 0 : current.bytesSecondToFirst();
    }

    void relay(Relay started) {
        this.relay = started;
    }

    /** Why the server ended the stream (e.g. its token was revoked), or null when it ended by itself. */
    @Nullable
    String endReason() {
        return endReason;
    }

    /**
     * Ends the stream at once, both sides: an engineer's HTTP/2 stream first gets trailers with {@code sc-reason} (and
     * END_STREAM), then both streams are reset.
     */
    void reset(String reason) {
        this.endReason = reason;
        client.eventLoop().execute(() -> {
            if (client instanceof Http2StreamChannel && client.isActive()) {
                Http2Headers trailers = new DefaultHttp2Headers().set(LinkProtocol.HEADER_REASON, reason);
                client.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true))
                        .addListener(written -> client.close()); // also when it could not be written
            } else {
                client.close();
            }
            applianceStream.close();
        });
    }

    @Override
    public String toString() {
        return "ActiveSession[" + id + ", " + engineer + " → " + appliance + " "
                + request.kind().code() + " " + request.target() + "]";
    }
}
