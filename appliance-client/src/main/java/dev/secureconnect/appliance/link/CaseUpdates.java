package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/cases}: the server's list of this appliance's support cases, after each admission and whenever one
 * changes. Replaces the cases the appliance knew (a decision the list now shows is dropped), saved with the switch and
 * the tickets ({@code state.json}, an atomic replace), then answered 200; a malformed list is answered 400 with the
 * reason and changes nothing. The same list arrives in a Call Home answer when the link is down ({@link #learned}).
 *
 * <p>Used on the link's event loop only (asserted).
 */
final class CaseUpdates {

    private static final Logger log = LoggerFactory.getLogger(CaseUpdates.class);

    private final AdminState state;
    private final String serial;

    CaseUpdates(AdminState state, String serial) {
        this.state = requireNonNull(state, "state");
        this.serial = requireNonNull(serial, "serial");
    }

    void received(Http2StreamChannel stream, byte[] body) {
        assert stream.eventLoop().inEventLoop();
        CaseNotice.Cases cases;
        try {
            cases = LinkJson.decode(body, CaseNotice.Cases.class);
        } catch (LinkException e) {
            String reason = OneLine.of(e.getMessage());
            log.warn("appliance {}: case list from the server refused: {}", serial, reason);
            StreamRequestHandler.respond(stream, 400, reason);
            return;
        }
        learned(cases).whenComplete((done, failure) -> stream.eventLoop().execute(() -> {
            if (failure != null) {
                StreamRequestHandler.respond(
                        stream,
                        500,
                        "cannot save the cases: "
                                + OneLine.of(Sessions.unwrap(failure).getMessage()));
            } else {
                StreamRequestHandler.respond(stream, 200, null);
            }
        }));
    }

    /** Takes the server's list and saves it; the future completes once it is durable. */
    CompletableFuture<?> learned(CaseNotice.Cases cases) {
        state.cases(cases.cases());
        log.info(
                "appliance {}: {} support case(s) known, {} open",
                serial,
                cases.cases().size(),
                cases.cases().stream().filter(c -> c.state().equals("open")).count());
        return state.save();
    }
}
