package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.link.AuditHash;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/audit/hash?seq=S}: the server asks for the hash of the record at seq S of this appliance's audit log,
 * the seq of the checkpoint it holds, to check that the log still extends it. Read on a worker (nothing on the loop
 * touches the disk), answered on the loop: 200 with an {@link AuditHash}, 404 when the log has no record at S (it is
 * shorter: it was cut), 500 when it cannot be read, 400 for a seq that is not a number of 1 or more.
 */
final class AuditHashRequests {

    private static final Logger log = LoggerFactory.getLogger(AuditHashRequests.class);

    private final ApplianceDirectory directory;
    private final Executor worker;

    AuditHashRequests(ApplianceDirectory directory, Executor worker) {
        this.directory = requireNonNull(directory, "directory");
        this.worker = requireNonNull(worker, "worker");
    }

    /** Whether {@code path} is this request's (its query aside). */
    static boolean matches(CharSequence path) {
        return new QueryStringDecoder(path.toString()).path().equals(LinkProtocol.PATH_AUDIT_HASH);
    }

    /** Answers the request for {@code path} ({@code /v1/audit/hash?seq=S}) on {@code stream}. */
    void received(Http2StreamChannel stream, CharSequence path) {
        EventLoop loop = stream.eventLoop();
        assert loop.inEventLoop();
        long seq = seq(path);
        if (seq < 1) {
            StreamRequestHandler.respond(
                    stream,
                    400,
                    "bad audit hash request " + OneLine.quoted(path.toString()) + ": expected "
                            + LinkProtocol.PATH_AUDIT_HASH + "?" + LinkProtocol.QUERY_SEQ + "=N, N 1 or more");
            return;
        }
        CompletableFuture.supplyAsync(() -> ApplianceAuditLog.recordHash(directory, seq), worker)
                .whenComplete((hash, failure) -> loop.execute(() -> answer(stream, seq, hash, failure)));
    }

    private static void answer(
            Http2StreamChannel stream, long seq, @Nullable Optional<String> hash, @Nullable Throwable failure) {
        if (failure != null) {
            String reason = OneLine.of(String.valueOf(Sessions.unwrap(failure).getMessage()));
            log.error("appliance: cannot tell the server the hash of audit record {}: {}", seq, reason);
            StreamRequestHandler.respond(stream, 500, "cannot read the audit log: " + reason);
        } else if (hash == null || hash.isEmpty()) {
            StreamRequestHandler.respond(stream, 404, "the audit log has no record at seq " + seq);
        } else {
            StreamRequestHandler.respondWith(stream, LinkJson.encode(new AuditHash(seq, hash.get())), true);
        }
    }

    /** The seq the request names, or 0 when it names none that is valid. */
    private static long seq(CharSequence path) {
        List<String> values =
                new QueryStringDecoder(path.toString()).parameters().getOrDefault(LinkProtocol.QUERY_SEQ, List.of());
        if (values.size() != 1 || !values.get(0).matches("[0-9]{1,18}")) {
            return 0;
        }
        return Long.parseLong(values.get(0));
    }
}
