package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tickets offered to the server on a live link, and its answer. The hello ({@code GET /v1/hello}, on a stream the
 * server keeps open) carries this appliance's serial, the protocol and software versions, the tickets it offers (every
 * one not refused), the services it allows and the latest signed checkpoint of its audit log, and is sent again
 * whenever one of them changes. The admission ({@code POST /v1/admission}) carries the server's verdicts: a refused
 * ticket's sessions close, the refusal is audited and saved.
 *
 * <p>Used on the link's event loop only (asserted); what the verdicts mean for the link is the supervisor's.
 */
final class TicketOffer {

    private static final Logger log = LoggerFactory.getLogger(TicketOffer.class);

    private final EventLoop loop;
    private final String serial;
    private final String softwareVersion;
    private final String server;
    private final AdminState state;
    private final Sessions sessions;
    private final LinkAudit audit;
    /** The latest audit checkpoint's JWS, empty while there is none. */
    private String checkpoint = "";
    /** The certificate request of a renewal waiting for the server's answer, empty while there is none. */
    private String renewalCsr = "";

    /** @param server the server dialled, for the log */
    TicketOffer(
            EventLoop loop,
            String serial,
            String softwareVersion,
            String server,
            AdminState state,
            Sessions sessions,
            LinkAudit audit) {
        this.loop = requireNonNull(loop, "loop");
        this.serial = requireNonNull(serial, "serial");
        this.softwareVersion = requireNonNull(softwareVersion, "softwareVersion");
        this.server = requireNonNull(server, "server");
        this.state = requireNonNull(state, "state");
        this.sessions = requireNonNull(sessions, "sessions");
        this.audit = requireNonNull(audit, "audit");
    }

    /** A new checkpoint of the appliance's audit log (its compact JWS): carried by every hello from now on. */
    void checkpoint(String jws) {
        assert loop.inEventLoop();
        checkpoint = requireNonNull(jws, "jws");
    }

    /** The certificate request the hello carries from now on (empty: none; {@link CertificateUpdates}). */
    void renewalCsr(String csr) {
        assert loop.inEventLoop();
        renewalCsr = requireNonNull(csr, "csr");
    }

    /** The hello as it stands: the tickets offered now, the services of {@code config}, the latest checkpoint. */
    Hello hello(ApplianceConfig config) {
        assert loop.inEventLoop();
        return new Hello(
                serial,
                LinkProtocol.VERSION,
                softwareVersion,
                state.tickets().offered(),
                config.services(),
                checkpoint,
                renewalCsr,
                state.decisions());
    }

    /** Sends the hello on {@code attempt}'s hello stream unless it is the one sent there last. */
    void sendHello(LinkAttempt attempt, ApplianceConfig config) {
        Hello hello = hello(config);
        if (attempt.sendHello(hello)) {
            log.info(
                    "appliance {}: hello to {}: tickets {}, services {}",
                    serial,
                    server,
                    hello.tickets(),
                    config.serviceLabels());
        }
    }

    /**
     * Takes the server's verdicts ({@link Tickets#admit}): each accepted ticket is logged; each refused one has its
     * sessions closed and its refusal audited, and the refusals are saved.
     */
    Tickets.Admitted admit(Admission admission) {
        assert loop.inEventLoop();
        Tickets.Admitted admitted = state.tickets().admit(admission);
        for (Tickets.Ticket ticket : admitted.accepted()) {
            log.info("appliance {} ticket {}: accepted by {}", serial, ticket.number, server);
        }
        for (Tickets.Ticket ticket : admitted.refused()) {
            sessions.close(session -> session.ticket.equals(ticket.number), "ticket " + ticket.number + " refused");
            audit.ticketRefused(ticket);
            log.warn("appliance {} ticket {}: refused by {}: {}", serial, ticket.number, server, ticket.refusal);
        }
        if (!admitted.refused().isEmpty()) {
            state.save();
        }
        return admitted;
    }
}
