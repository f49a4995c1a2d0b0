package dev.secureconnect.server.link;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.TokenKeysAnswer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the chain of rotated token key sets to an appliance ({@code POST /v1/token-keys}) and audits its answer: an
 * appliance that installs a newer set is recorded as {@code token-key.installed}, one that refuses the chain as
 * {@code token-key.refused} with its reason. An appliance already on the newest set is not recorded; one that does not
 * answer is sent the chain again when it links again.
 */
final class TokenKeyPush {

    private static final Logger LOG = LoggerFactory.getLogger(TokenKeyPush.class);

    private final ServerAuditLog audit;
    private final ExecutorService blocking;
    private final Duration timeout;

    TokenKeyPush(ServerAuditLog audit, ExecutorService blocking, Duration timeout) {
        this.audit = audit;
        this.blocking = blocking;
        this.timeout = timeout;
    }

    /** Sends {@code chain} on the session's link; nothing when there was no rotation yet. */
    void send(LinkSession session, TokenKeyChain chain) {
        if (chain.isEmpty() || !session.channel().isActive()) {
            return;
        }
        byte[] body = chain.toJson().getBytes(StandardCharsets.UTF_8);
        StreamOpener.request(session.channel(), "POST", LinkProtocol.PATH_TOKEN_KEYS, body, timeout)
                .addListener(sent -> {
                    if (!sent.isSuccess()) {
                        LOG.warn(
                                "token keys not delivered to appliance {} (sent again when it links again): {}",
                                session.serial(),
                                sent.cause().getMessage());
                        return;
                    }
                    StreamOpener.Response response = (StreamOpener.Response) sent.getNow();
                    blocking.execute(() -> answered(session, response));
                });
    }

    /** Audits what the appliance answered (blocking executor). */
    private void answered(LinkSession session, StreamOpener.Response response) {
        if (response.status() != 200) {
            String reason = OneLine.of(response.reason().isEmpty() ? "status " + response.status() : response.reason());
            LOG.warn("appliance {} refused the token key set: {}", session.serial(), reason);
            audit.appendOrHold(
                    List.of(ServerAuditEvent.builder(EventType.TOKEN_KEY_REFUSED)
                            .appliance(session.serial())
                            .source(session.remoteAddress())
                            .outcome(ServerAuditEvent.Outcome.FAILURE)
                            .detail("reportedBy", "appliance")
                            .detail("reason", reason)
                            .build()),
                    ServerAuditLog.Hold.ALWAYS);
            return;
        }
        TokenKeysAnswer answer;
        try {
            answer = LinkJson.decode(response.body(), TokenKeysAnswer.class);
        } catch (LinkException e) {
            LOG.warn("appliance {} answered the token keys with {}", session.serial(), e.getMessage());
            return;
        }
        if (!answer.installed()) {
            LOG.debug("appliance {} has the token key set generation {}", session.serial(), answer.generation());
            return;
        }
        LOG.info("appliance {} installed token key set generation {}", session.serial(), answer.generation());
        audit.appendOrHold(
                List.of(ServerAuditEvent.builder(EventType.TOKEN_KEY_INSTALLED)
                        .appliance(session.serial())
                        .source(session.remoteAddress())
                        .detail("generation", answer.generation())
                        .detail("keyIds", String.join(",", answer.keyIds()))
                        .detail("reportedBy", "appliance")
                        .build()),
                ServerAuditLog.Hold.ALWAYS);
    }
}
