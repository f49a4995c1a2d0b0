package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.access.TokenKeys;
import dev.secureconnect.appliance.access.TokenKeysRefusedException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.link.TokenKeysAnswer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/token-keys}: the server's chain of rotated token key sets. Followed from the pinned set and the
 * newer set installed on a worker ({@link TokenKeys#follow}: nothing on the loop touches the disk), then audited and
 * answered on the loop: 200 with a {@link TokenKeysAnswer} ({@code token-key.installed} when a newer set was
 * installed; nothing recorded when the appliance had it already), or 403 with the reason when the chain is refused
 * ({@code token-key.refused}; the pinned set stays).
 */
final class TokenKeyUpdates {

    private static final Logger log = LoggerFactory.getLogger(TokenKeyUpdates.class);

    private final ApplianceDirectory directory;
    private final Executor worker;
    private final Sessions sessions;
    private final Clock clock;

    /** @param sessions where the audit records go */
    TokenKeyUpdates(ApplianceDirectory directory, Executor worker, Sessions sessions, Clock clock) {
        this.directory = requireNonNull(directory, "directory");
        this.worker = requireNonNull(worker, "worker");
        this.sessions = requireNonNull(sessions, "sessions");
        this.clock = requireNonNull(clock, "clock");
    }

    void received(Http2StreamChannel stream, byte[] body) {
        EventLoop loop = stream.eventLoop();
        assert loop.inEventLoop();
        CompletableFuture.supplyAsync(() -> TokenKeys.follow(directory, body, clock.instant()), worker)
                .whenComplete((update, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        refused(stream, Sessions.unwrap(failure));
                        return;
                    }
                    CompletableFuture<Void> recorded = update.installed()
                            ? sessions.audit(installed(update))
                            : CompletableFuture.completedFuture(null);
                    byte[] answer = LinkJson.encode(new TokenKeysAnswer(
                            update.set().generation(),
                            update.installed(),
                            update.set().keyIds()));
                    recorded.whenComplete((done, ignored) ->
                            loop.execute(() -> StreamRequestHandler.respondWith(stream, answer, true)));
                }));
    }

    private void refused(Http2StreamChannel stream, Throwable cause) {
        String reason = OneLine.of(String.valueOf(cause.getMessage()));
        if (!(cause instanceof TokenKeysRefusedException)) {
            log.error("appliance: cannot take the server's token key set: {}", reason, cause);
            StreamRequestHandler.respond(stream, 500, "cannot take the token key set: " + reason);
            return;
        }
        log.warn("appliance: token key set from the server refused: {}", reason);
        sessions.audit(ApplianceAuditEvent.of(EventType.TOKEN_KEY_REFUSED, Sessions.SERVER_ACTOR)
                        .target("token-key")
                        .refused(reason)
                        .build())
                .whenComplete((done, ignored) ->
                        stream.eventLoop().execute(() -> StreamRequestHandler.respond(stream, 403, reason)));
    }

    private ApplianceAuditEvent installed(TokenKeys.Update update) {
        log.info(
                "appliance: token key set generation {} installed {}",
                update.set().generation(),
                update.set().keyIds());
        return ApplianceAuditEvent.of(EventType.TOKEN_KEY_INSTALLED, Sessions.SERVER_ACTOR)
                .target("token-key")
                .reason("token key set generation "
                        + update.set().generation() + " installed, signed by "
                        + String.join(", ", update.signedBy()))
                .detail("generation", update.set().generation())
                .detail("keyIds", update.set().keyIds())
                .detail("signedBy", update.signedBy())
                .build();
    }
}
