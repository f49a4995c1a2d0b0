package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditUnavailableException;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.engineers.Engineer;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.SecondFactorResult;
import dev.secureconnect.server.storage.StorageException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@value #PREFIX}, behind HTTP/1.1 or an HTTP/2 stream (as aggregated {@link FullHttpRequest}s):
 * finds the {@link Endpoint.Route}, checks the certificate's role (403), the method (405) and the login session
 * (401), runs the endpoint — on the blocking executor when it uses the database — and writes its answer as JSON.
 * Errors are {@code {"error": "one line", "reason": "code"}}.
 *
 * <p>Every call made with a login session first reads the engineer's state (on the blocking executor): a disabled
 * (or no longer enrolled) engineer's session ends there and the call is refused, 403 {@code engineer-disabled},
 * audited as {@code login.failed} with the reason {@code disabled} — whatever the route, and without waiting for
 * the daemon's {@code DisabledEngineers} to end the sessions.
 *
 * <p>The role check is the one place that decides what each certificate role may call, deny by default: an API
 * client only the routes of its role ({@code GET /api/v1/events}), nothing else, not even a 404; an engineer only
 * the routes of its role. A refusal is audited as {@code login.failed} with the reason {@code wrong-role}. Session
 * streams ask {@link #roleRefusal} too.
 */
@ChannelHandler.Sharable
final class ApiRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    private static final ObjectMapper JSON = Mappers.json();
    private static final String WRONG_ROLE = "wrong-role";
    static final String PREFIX = "/api/v1/";
    /** The answer to an API client calling anything but its own endpoint, or opening a session stream. */
    static final String API_CLIENT_ONLY =
            "this certificate is an api-client: it may only read " + PREFIX + EventsEndpoint.PATH;
    /** The answer to an engineer calling the API clients' endpoint. */
    static final String API_CLIENT_NEEDED = "reading the audit log needs an api-client certificate";

    private final List<Endpoint.Route> routes;
    private final EngineerStore engineers;
    private final LoginSessions sessions;
    private final ServerAuditLog audit;
    private final Executor blocking;

    ApiRouter(
            List<Endpoint.Route> routes,
            EngineerStore engineers,
            LoginSessions sessions,
            ServerAuditLog audit,
            Executor blocking) {
        this.routes = List.copyOf(routes);
        this.engineers = requireNonNull(engineers, "engineers");
        this.sessions = requireNonNull(sessions, "sessions");
        this.audit = requireNonNull(audit, "audit");
        this.blocking = requireNonNull(blocking, "blocking");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(
                    ctx,
                    false,
                    ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "bad-request", "malformed HTTP request"));
            return;
        }
        EngineerConnection connection = EngineerConnection.of(ctx.channel());
        if (connection == null) {
            send(
                    ctx,
                    false,
                    ApiResponse.error(
                            HttpResponseStatus.UNAUTHORIZED,
                            "no-certificate",
                            "no engineer certificate on this connection"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        List<Endpoint.Route> matching = routes.stream()
                .filter(route -> (PREFIX + route.path()).equals(path))
                .toList();
        Optional<Endpoint.Route> route = matching.stream()
                .filter(r -> r.method().equals(request.method()))
                .findFirst();
        ApiException wrongRole = roleRefusal(connection.role(), route.orElse(null));
        if (wrongRole != null) {
            refusedRole(connection, request.method().name(), path, wrongRole);
            send(ctx, keepAlive, wrongRole.response());
            return;
        }
        if (matching.isEmpty()) {
            String hint = path.startsWith("/v1/") ? " (session streams need HTTP/2; see docs/engineer-api.md)" : "";
            send(
                    ctx,
                    keepAlive,
                    ApiResponse.error(
                            HttpResponseStatus.NOT_FOUND,
                            "not-found",
                            "no such endpoint: " + OneLine.quoted(path, 100) + hint));
            return;
        }
        if (route.isEmpty()) {
            String allowed = matching.get(0).method().name();
            send(
                    ctx,
                    keepAlive,
                    ApiResponse.error(
                                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                                    "method-not-allowed",
                                    "method " + OneLine.quoted(request.method().name(), 100)
                                            + " not allowed here (expected: " + allowed + ")")
                            .withHeader("allow", allowed));
            return;
        }
        String bearer = bearer(request);
        boolean needsSession = route.get().needsSession();
        if (needsSession && bearer == null) {
            send(ctx, keepAlive, noSession().response());
            return;
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        Endpoint endpoint = route.get().endpoint();
        if (!needsSession && !route.get().blocking()) {
            send(ctx, keepAlive, run(endpoint, new ApiCall(connection, body, bearer, null, uri.parameters())));
            return;
        }
        try {
            blocking.execute(() -> {
                if (!needsSession) {
                    send(ctx, keepAlive, run(endpoint, new ApiCall(connection, body, bearer, null, uri.parameters())));
                    return;
                }
                ApiCall call;
                try { // the login sessions are in the database: read here, on the blocking executor
                    call = new ApiCall(connection, body, bearer, session(connection, bearer), uri.parameters());
                } catch (ApiException e) {
                    send(ctx, keepAlive, e.response());
                    return;
                }
                send(ctx, keepAlive, stillEnabled(call, bearer).orElseGet(() -> run(endpoint, call)));
            });
        } catch (RejectedExecutionException e) {
            send(
                    ctx,
                    keepAlive,
                    ApiResponse.error(HttpResponseStatus.TOO_MANY_REQUESTS, "busy", "server busy: try again shortly")
                            .withHeader("retry-after", "1"));
        }
    }

    /**
     * Runs {@link #session} on the blocking executor (the login sessions are in the database), then {@code then} on
     * {@code loop} with the refusal, or null when the session is live and bound to this connection.
     */
    void checkSession(
            EngineerConnection connection,
            @Nullable String bearer,
            EventExecutor loop,
            java.util.function.Consumer<@Nullable ApiException> then) {
        if (bearer == null) {
            then.accept(noSession());
            return;
        }
        try {
            blocking.execute(() -> {
                ApiException refusal = null;
                try {
                    session(connection, bearer);
                } catch (ApiException e) {
                    refusal = e;
                }
                ApiException decided = refusal;
                if (loop.inEventLoop()) {
                    then.accept(decided);
                } else {
                    loop.execute(() -> then.accept(decided));
                }
            });
        } catch (RejectedExecutionException e) {
            then.accept(new ApiException(
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", "server busy or stopping: try again shortly"));
        }
    }

    /**
     * Why a certificate of {@code caller}'s role may not call {@code route} (null: no endpoint for this method and
     * path, or a session stream), as a 403 to answer; null when it may. An API client may call only its own routes;
     * an engineer only the routes of its role; any other role nothing.
     */
    static @Nullable ApiException roleRefusal(CertificateRole caller, Endpoint.@Nullable Route route) {
        if (caller == CertificateRole.API_CLIENT) {
            return route != null && route.role() == CertificateRole.API_CLIENT
                    ? null
                    : new ApiException(HttpResponseStatus.FORBIDDEN, WRONG_ROLE, API_CLIENT_ONLY);
        }
        if (caller != CertificateRole.ENGINEER) {
            return new ApiException(
                    HttpResponseStatus.FORBIDDEN,
                    WRONG_ROLE,
                    "this certificate is a " + caller.label() + " certificate: it may not use this API");
        }
        if (route != null && route.role() != caller) {
            return new ApiException(
                    HttpResponseStatus.FORBIDDEN,
                    WRONG_ROLE,
                    route.role() == CertificateRole.API_CLIENT
                            ? API_CLIENT_NEEDED
                            : "this endpoint needs a " + route.role().label() + " certificate");
        }
        return null;
    }

    /** Logs and audits a call refused for the certificate's role: {@code login.failed}, reason {@code wrong-role}. */
    private void refusedRole(EngineerConnection connection, String method, String path, ApiException refusal) {
        LOG.warn(
                "{} {} from {} refused {} {}: {}",
                connection.role().label(),
                connection.login(),
                connection.source(),
                OneLine.quoted(method, 100),
                OneLine.quoted(path, 100),
                refusal.getMessage());
        try {
            blocking.execute(() -> audit.appendOrHold(
                    List.of(ServerAuditEvent.builder(EventType.LOGIN_FAILED)
                            .actor(connection.login())
                            .source(connection.source())
                            .outcome(ServerAuditEvent.Outcome.FAILURE)
                            .detail("certificate", connection.fingerprint().toString())
                            .detail("reason", WRONG_ROLE)
                            .build()),
                    ServerAuditLog.Hold.WHILE_ROOM));
        } catch (RejectedExecutionException e) {
            LOG.error(
                    "could not audit the refused call of {} {}: the server is stopping or busy",
                    connection.role().label(),
                    connection.login());
        }
    }

    /**
     * The live session of {@code bearer}, bound to this connection's certificate; 401 otherwise, 503 when the database
     * cannot be read. Reads the database: runs on the blocking executor.
     */
    LoginSession session(EngineerConnection connection, @Nullable String bearer) {
        if (bearer == null) {
            throw noSession();
        }
        Optional<LoginSession> found;
        try {
            found = sessions.find(bearer);
        } catch (StorageException e) {
            LOG.error("cannot read the login session of {}: {}", connection.login(), e.getMessage());
            throw new ApiException(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "cannot check the login session now (the database is unavailable): try again shortly");
        }
        LoginSession session = found.orElseThrow(() -> new ApiException(
                HttpResponseStatus.UNAUTHORIZED, "session-expired", "session unknown or expired: log in again"));
        if (!session.boundTo(connection.fingerprint()) || !session.login().equals(connection.login())) {
            LOG.warn(
                    "session of engineer {} presented over a connection with the certificate of {} from {}",
                    session.login(),
                    connection.login(),
                    connection.source());
            throw new ApiException(
                    HttpResponseStatus.UNAUTHORIZED, "wrong-certificate", "session belongs to another certificate");
        }
        return session;
    }

    private static ApiException noSession() {
        return new ApiException(
                HttpResponseStatus.UNAUTHORIZED, "no-session", "missing 'Authorization: Bearer SESSION': log in first");
    }

    /**
     * The refusal of a call whose session's engineer is no longer enabled (that session ends now), or empty when the
     * engineer is enabled. Reads the database: runs on the blocking executor.
     */
    private Optional<ApiResponse> stillEnabled(ApiCall call, @Nullable String bearer) {
        String login = call.login();
        Optional<Engineer> engineer;
        try {
            engineer = engineers.find(login);
        } catch (RuntimeException e) {
            LOG.error("cannot read the state of engineer {}: {}", login, e.getMessage(), e);
            return Optional.of(ApiResponse.error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "unavailable",
                    "cannot check the engineer's state now: try again shortly"));
        }
        if (engineer.isPresent() && engineer.get().isEnabled()) {
            return Optional.empty();
        }
        try {
            sessions.end(bearer);
        } catch (StorageException e) { // refused all the same; DisabledEngineers ends the session later
            LOG.warn("cannot end the login session of disabled engineer {}: {}", login, e.getMessage());
        }
        EngineerConnection connection = call.connection();
        LOG.warn("engineer {} from {} is disabled: login session ended, call refused", login, connection.source());
        try {
            audit.append(ServerAuditEvent.builder(EventType.LOGIN_FAILED)
                    .actor(login)
                    .source(connection.source())
                    .outcome(ServerAuditEvent.Outcome.FAILURE)
                    .detail("certificate", connection.fingerprint().toString())
                    .detail("reason", SecondFactorResult.Reason.DISABLED.code())
                    .build());
        } catch (RuntimeException e) {
            LOG.error("cannot audit the refused call of disabled engineer {}: {}", login, e.getMessage(), e);
        }
        return Optional.of(ApiResponse.error(
                HttpResponseStatus.FORBIDDEN,
                "engineer-disabled",
                "engineer " + login + " is disabled: the login session has ended"));
    }

    private static ApiResponse run(Endpoint endpoint, ApiCall call) {
        try {
            return endpoint.handle(call);
        } catch (ApiException e) {
            return e.response();
        } catch (AuditUnavailableException e) {
            LOG.error(
                    "engineer API request of {} refused: {}: {}",
                    call.connection().login(),
                    AuditUnavailableException.REASON,
                    e.getMessage());
            return ApiResponse.error(
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "audit-unavailable",
                            AuditUnavailableException.REASON + ": nothing was done; try again shortly")
                    .withHeader("retry-after", "5");
        } catch (RuntimeException e) {
            LOG.error("engineer API request of {} failed: {}", call.connection().login(), e.toString(), e);
            return ApiResponse.error(
                    HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal-error", "internal error; see the server log");
        }
    }

    static @Nullable String bearer(FullHttpRequest request) {
        return bearer(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    }

    /** The value of an {@code Authorization: Bearer VALUE} header, or null. */
    static @Nullable String bearer(@Nullable CharSequence header) {
        if (header == null || header.length() < 7 || !header.toString().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String value = header.toString().substring(7).trim();
        return value.isEmpty() ? null : value;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, ApiResponse answer) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> send(ctx, keepAlive, answer));
            return;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON answer", e);
        }
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(), Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        HttpUtil.setContentLength(response, bytes.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("engineer API connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
