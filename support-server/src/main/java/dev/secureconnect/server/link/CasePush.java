package dev.secureconnect.server.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamOpener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an appliance's list of support cases current over its link: after every admission the admin's decisions the
 * hello carries are recorded ({@link CaseStore#decide}: {@code case.approved}, {@code case.declined}) and the
 * appliance's cases are sent ({@code POST /v1/cases}; nothing to an appliance that never had a case); and again whenever one of its cases opens. An appliance that
 * does not take the list is told again at its next admission (and in every Call Home answer). Blocking: runs on the
 * blocking executor.
 */
final class CasePush {

    private static final Logger LOG = LoggerFactory.getLogger(CasePush.class);

    private final CaseStore cases;
    private final Duration timeout;

    CasePush(CaseStore cases, Duration timeout) {
        this.cases = requireNonNull(cases, "cases");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /** After an admission: the hello's decisions recorded, then the list sent. */
    void afterAdmission(LinkSession session) {
        Hello hello = session.hello();
        if (hello != null) {
            for (CaseNotice.Decision decision : hello.decisions()) {
                cases.decide(session.serial(), decision, "link");
            }
        }
        send(session);
    }

    /** Sends the appliance's cases on its link; nothing to an appliance that never had one. */
    void send(LinkSession session) {
        if (!session.channel().isActive()) {
            return;
        }
        byte[] body;
        try {
            CaseNotice.Cases notices = cases.notices(session.serial());
            if (notices.cases().isEmpty()) {
                return;
            }
            body = LinkJson.encode(notices);
        } catch (RuntimeException e) {
            LOG.warn("appliance {}: its cases cannot be sent: {}", session.serial(), OneLine.reason(e));
            return;
        }
        StreamOpener.request(session.channel(), "POST", LinkProtocol.PATH_CASES, body, timeout)
                .addListener(sent -> {
                    if (!sent.isSuccess()) {
                        LOG.warn(
                                "appliance {}: cases not delivered (sent again at its next admission): {}",
                                session.serial(),
                                OneLine.reason(sent.cause()));
                        return;
                    }
                    StreamOpener.Response response = (StreamOpener.Response) sent.getNow();
                    if (response.status() != 200) {
                        LOG.warn(
                                "appliance {} refused its list of cases ({}): {}",
                                session.serial(),
                                response.status(),
                                OneLine.of(response.reason()));
                    }
                });
    }
}
