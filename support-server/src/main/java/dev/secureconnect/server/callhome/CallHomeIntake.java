package dev.secureconnect.server.callhome;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.callhome.CallHomeProtocol;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Call Home side of the appliance listener: a connection that negotiated {@value CallHomeProtocol#ALPN} gets an
 * HTTP/1.1 server pipeline ({@link #install}) that takes one {@code POST} {@value CallHomeProtocol#PATH} of at most
 * {@code maxBundleBytes}, checks and stores it on the blocking executor, answers one line and closes. A bundle over the
 * cap, malformed, for another serial than the certificate's, or a replayed id is refused with its status and audited
 * ({@code callhome.refused}); nothing already stored changes.
 */
public final class CallHomeIntake {

    private static final Logger LOG = LoggerFactory.getLogger(CallHomeIntake.class);

    private final BundleStore store;
    private final long maxBundleBytes;
    private final Executor blocking;
    private final Stored stored;
    private volatile @Nullable Cases cases;

    /**
     * The support cases a Call Home exchange carries while the link is down: the admin's decisions sent with a bundle
     * ({@value CallHomeProtocol#HEADER_CASE_DECISIONS}) are recorded, and the answer to a delivered bundle carries the
     * appliance's cases on its second line. Called on the blocking executor.
     */
    public interface Cases {
        /** Records {@code decisions} of {@code appliance} and returns its cases. */
        CaseNotice.Cases exchange(String appliance, List<CaseNotice.Decision> decisions);
    }

    /** Told of each bundle stored (not of a resend), on the blocking executor, after the appliance was answered. */
    @FunctionalInterface
    public interface Stored {
        void stored(String appliance, String bundleId, byte[] json);
    }

    public CallHomeIntake(BundleStore store, long maxBundleBytes, Executor blocking) {
        this(store, maxBundleBytes, blocking, (appliance, bundleId, json) -> {});
    }

    /** An intake that tells {@code stored} of each new bundle (the alert rules). */
    public CallHomeIntake(BundleStore store, long maxBundleBytes, Executor blocking, Stored stored) {
        this.store = requireNonNull(store, "store");
        this.maxBundleBytes = maxBundleBytes;
        this.blocking = requireNonNull(blocking, "blocking");
        this.stored = requireNonNull(stored, "stored");
    }

    /** Carries the appliance's support cases in each exchange from now on ({@link Cases}). */
    public CallHomeIntake carryingCases(Cases exchange) {
        this.cases = requireNonNull(exchange, "exchange");
        return this;
    }

    /**
     * Turns a handshaken connection into a Call Home exchange.
     *
     * @param appliance the serial of the peer's certificate
     * @param peer the peer's address, for the audit records
     */
    public void install(ChannelPipeline pipeline, String appliance, String peer) {
        pipeline.addLast("callhome-http", new HttpServerCodec());
        pipeline.addLast("callhome-aggregator", new CappedAggregator((int) maxBundleBytes, appliance, peer));
        pipeline.addLast("callhome", new BundleHandler(appliance, peer));
    }

    /** The aggregator whose refusal of an oversized bundle is audited before it answers 413. */
    private final class CappedAggregator extends HttpObjectAggregator {
        private final String appliance;
        private final String peer;

        CappedAggregator(int max, String appliance, String peer) {
            super(max);
            this.appliance = appliance;
            this.peer = peer;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            String id = oversized.headers().get(CallHomeProtocol.HEADER_BUNDLE_ID);
            String reason = "the bundle exceeds the cap of " + maxBundleBytes + " bytes (callHome.maxBundleBytes)";
            auditRefusal(appliance, peer, id == null ? null : OneLine.clipped(id, 64), 413, reason);
            respond(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, reason);
        }
    }

    private final class BundleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String appliance;
        private final String peer;

        BundleHandler(String appliance, String peer) {
            this.appliance = appliance;
            this.peer = peer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.method().equals(HttpMethod.POST) || !CallHomeProtocol.PATH.equals(request.uri())) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "only POST " + CallHomeProtocol.PATH + " is served here");
                return;
            }
            String id = request.headers().get(CallHomeProtocol.HEADER_BUNDLE_ID);
            if (!HttpHeaderValues.GZIP.contentEqualsIgnoreCase(
                    request.headers().get(HttpHeaderNames.CONTENT_ENCODING, ""))) {
                String reason = "the bundle must be sent gzip-compressed (Content-Encoding: gzip)";
                refuse(ctx, id, new BundleRefusedException(400, reason));
                return;
            }
            byte[] compressed = ByteBufUtil.getBytes(request.content());
            String decisions = request.headers().get(CallHomeProtocol.HEADER_CASE_DECISIONS);
            try {
                blocking.execute(() -> receive(ctx, id, compressed, decisions));
            } catch (RejectedExecutionException e) {
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is stopping");
            }
        }

        /** On the blocking executor. */
        private void receive(
                ChannelHandlerContext ctx, @Nullable String headerId, byte[] compressed, @Nullable String decisions) {
            try {
                byte[] json = BundleParser.gunzip(compressed, maxBundleBytes * CallHomeProtocol.MAX_EXPANSION);
                ReceivedBundle bundle = BundleParser.parse(json);
                if (headerId != null && !headerId.equals(bundle.id())) {
                    throw new BundleRefusedException(
                            400,
                            "header " + CallHomeProtocol.HEADER_BUNDLE_ID + " " + OneLine.quoted(headerId)
                                    + " is not the bundle's id " + bundle.id());
                }
                if (!bundle.serial().equals(appliance)) {
                    throw new BundleRefusedException(
                            403,
                            "the bundle is for serial " + bundle.serial() + ", sent with the certificate of "
                                    + appliance);
                }
                BundleStore.Outcome outcome = store.store(bundle, appliance, peer, compressed, json);
                if (outcome == BundleStore.Outcome.STORED) {
                    LOG.info(
                            "appliance {}: Call Home bundle {} stored ({} bytes)",
                            appliance,
                            bundle.id(),
                            compressed.length);
                    respond(ctx, HttpResponseStatus.CREATED, "stored bundle " + bundle.id(), cases(decisions));
                    try {
                        stored.stored(appliance, bundle.id(), json);
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "appliance {}: the alert rules could not be run on bundle {}: {}",
                                appliance,
                                bundle.id(),
                                OneLine.reason(e));
                    }
                } else {
                    respond(
                            ctx,
                            HttpResponseStatus.OK,
                            "bundle " + bundle.id() + " was already stored",
                            cases(decisions));
                }
            } catch (BundleRefusedException e) {
                refuse(ctx, headerId, e);
            } catch (RuntimeException e) {
                LOG.warn("appliance {}: cannot store a Call Home bundle: {}", appliance, OneLine.reason(e));
                respond(
                        ctx,
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "the server cannot store the bundle now; it will" + " be sent again");
            }
        }

        /**
         * The decisions sent with the bundle recorded (malformed ones logged and left out: the bundle is stored
         * whatever they say), and the appliance's cases as the answer's second line; null when cases are not carried.
         */
        private @Nullable String cases(@Nullable String decisions) {
            Cases exchange = cases;
            if (exchange == null) {
                return null;
            }
            List<CaseNotice.Decision> taken = List.of();
            if (decisions != null) {
                try {
                    taken = List.of(
                            LinkJson.decode(decisions.getBytes(StandardCharsets.UTF_8), CaseNotice.Decision[].class));
                } catch (LinkException | NullPointerException e) {
                    LOG.warn(
                            "appliance {}: case decisions sent with a bundle refused: {}",
                            appliance,
                            OneLine.reason(e));
                }
            }
            try {
                return new String(LinkJson.encode(exchange.exchange(appliance, taken)), StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                LOG.warn("appliance {}: its cases are not in the Call Home answer: {}", appliance, OneLine.reason(e));
                return null;
            }
        }

        private void refuse(ChannelHandlerContext ctx, @Nullable String headerId, BundleRefusedException e) {
            String id = headerId == null ? null : OneLine.clipped(headerId, 64);
            auditRefusal(appliance, peer, id, e.status(), String.valueOf(e.getMessage()));
            respond(ctx, HttpResponseStatus.valueOf(e.status()), String.valueOf(e.getMessage()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("appliance {}: Call Home connection failed: {}", appliance, OneLine.reason(cause));
            ctx.close();
        }
    }

    /** Audits a refusal on the blocking executor (never on the event loop: it writes the database). */
    private void auditRefusal(String appliance, String peer, @Nullable String id, int status, String reason) {
        try {
            blocking.execute(() -> {
                try {
                    store.refused(appliance, peer, id, status, reason);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "appliance {}: cannot audit a refused Call Home bundle ({}): {}",
                            appliance,
                            reason,
                            OneLine.reason(e));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn(
                    "appliance {}: refused Call Home bundle not audited, the server is stopping: {}",
                    appliance,
                    reason);
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        respond(ctx, status, message, null);
    }

    /** @param second a second line (JSON without line breaks), or null */
    private static void respond(
            ChannelHandlerContext ctx, HttpResponseStatus status, String message, @Nullable String second) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                status,
                Unpooled.copiedBuffer(
                        OneLine.of(message) + "\n" + (second == null ? "" : second + "\n"), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
