package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenRefusedException;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.engineers.Engineer;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.link.ApplianceLinks;
import dev.secureconnect.server.metrics.TokenMetrics;
import dev.secureconnect.server.tickets.Ticket;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an engineer gets an access token, and issues it: the policy in front of the
 * {@link AccessTokenIssuer}. Denies unless every check passes, in this order: the request is well-formed (lifetime
 * at most 7 days), the engineer is enrolled and enabled, the appliance is connected to this node, the ticket is open,
 * and the ticket is accepted on that appliance's link. Every refusal is audited as {@code token.refused} with its
 * reason code; an issued token is recorded and audited ({@link TokenStore#recordIssued}) before it is handed out.
 *
 * <p>Uses the database: call it on a blocking thread. Thread-safe.
 */
public final class TokenIssuance {

    private static final Logger LOG = LoggerFactory.getLogger(TokenIssuance.class);
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Supplier<AccessTokenIssuer> issuer;
    private final TokenStore tokens;
    private final EngineerStore engineers;
    private final TicketStore tickets;
    private final ApplianceLinks links;
    private final ServerAuditLog audit;
    private final TokenMetrics metrics;

    public TokenIssuance(
            Supplier<AccessTokenIssuer> issuer,
            TokenStore tokens,
            EngineerStore engineers,
            TicketStore tickets,
            ApplianceLinks links,
            ServerAuditLog audit) {
        this(issuer, tokens, engineers, tickets, links, audit, TokenMetrics.none());
    }

    /** @param metrics counts each token issued, and each refused with its code */
    public TokenIssuance(
            Supplier<AccessTokenIssuer> issuer,
            TokenStore tokens,
            EngineerStore engineers,
            TicketStore tickets,
            ApplianceLinks links,
            ServerAuditLog audit,
            TokenMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.issuer = requireNonNull(issuer, "issuer");
        this.tokens = requireNonNull(tokens, "tokens");
        this.engineers = requireNonNull(engineers, "engineers");
        this.tickets = requireNonNull(tickets, "tickets");
        this.links = requireNonNull(links, "links");
        this.audit = requireNonNull(audit, "audit");
    }

    /**
     * What an engineer asks for.
     *
     * @param lifetime null for {@link AccessToken#DEFAULT_LIFETIME}
     * @param reason free text, or null
     */
    public record Request(
            @Nullable String appliance,
            @Nullable String ticket,
            @Nullable Duration lifetime,
            @Nullable String reason) {}

    /** A refused request: {@code forbidden} (403) or bad input (400), with a reason code and a one-line message. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean forbidden;
        private final String code;

        Refused(boolean forbidden, String code, @Nullable String message) {
            super(message, null, false, false);
            this.forbidden = forbidden;
            this.code = code;
        }

        /** True for a policy refusal (403), false for malformed input (400). */
        public boolean forbidden() {
            return forbidden;
        }

        /** The stable reason code, e.g. {@code ticket-not-active}. */
        public String code() {
            return code;
        }
    }

    /**
     * Issues a token to the engineer {@code login}, bound to {@code certificate} (the one of the connection that
     * asked).
     *
     * @param source the engineer's address, for the audit log
     * @throws Refused with the reason; already audited
     */
    public SignedAccessToken issue(String login, X509Certificate certificate, String source, Request request) {
        requireNonNull(login, "login");
        requireNonNull(certificate, "certificate");
        requireNonNull(request, "request");
        try {
            SignedAccessToken token = decide(login, certificate, request);
            tokens.recordIssued(token.claims(), source);
            metrics.issued();
            LOG.info(
                    "access token {} issued to engineer {} for appliance {}, ticket {}, until {}",
                    token.claims().id(),
                    login,
                    token.claims().appliance(),
                    token.claims().ticket(),
                    token.claims().expiresAt());
            return token;
        } catch (Refused refused) {
            metrics.refused(refused.code());
            audit.appendOrHold(
                    java.util.List.of(ServerAuditEvent.builder(EventType.TOKEN_REFUSED)
                            .actor(login)
                            .appliance(printable(request.appliance()))
                            .ticket(printable(request.ticket()))
                            .source(source)
                            .outcome(ServerAuditEvent.Outcome.FAILURE)
                            .detail("reason", refused.code())
                            .detail("message", refused.getMessage())
                            .build()),
                    ServerAuditLog.Hold.WHILE_ROOM);
            LOG.warn("access token refused to engineer {}: {}", login, refused.getMessage());
            throw refused;
        }
    }

    private SignedAccessToken decide(String login, X509Certificate certificate, Request request) {
        String serial = request.appliance();
        if (serial == null || !SERIAL.matcher(serial).matches()) {
            throw badInput("bad-appliance", "appliance: expected a serial (1 to 64 of A-Z a-z 0-9 . _ -)");
        }
        TicketNumber ticket;
        try {
            ticket = TicketNumber.parse(request.ticket() == null ? "" : request.ticket());
        } catch (RuntimeException e) {
            throw badInput("bad-ticket", "ticket: expected exactly 8 digits");
        }
        Duration lifetime = request.lifetime() == null ? AccessToken.DEFAULT_LIFETIME : request.lifetime();
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw badInput("bad-ttl", "ttlSeconds: expected a positive number of seconds");
        }
        if (lifetime.compareTo(AccessToken.MAX_LIFETIME) > 0) {
            throw badInput(
                    TokenRefusedException.Reason.TOO_LONG_LIVED.label(),
                    "ttlSeconds: " + lifetime.toSeconds() + " is longer than the maximum of 7 days ("
                            + AccessToken.MAX_LIFETIME.toSeconds() + ")");
        }
        String reason = request.reason();
        if (reason != null
                && (reason.strip().length() > AccessToken.MAX_REASON_LENGTH
                        || reason.chars().anyMatch(Character::isISOControl))) {
            throw badInput(
                    "bad-reason",
                    "reason: expected one line of at most " + AccessToken.MAX_REASON_LENGTH + " characters");
        }
        Optional<Engineer> engineer = engineers.find(login);
        if (engineer.isEmpty() || !engineer.get().isEnabled()) {
            throw forbidden(
                    "engineer-disabled",
                    "engineer " + login + " is " + (engineer.isEmpty() ? "not enrolled" : "disabled"));
        }
        Optional<Ticket> stored = tickets.find(ticket);
        if (stored.isEmpty() || !stored.get().isOpen()) {
            throw forbidden(
                    "ticket-not-open", "ticket " + ticket.value() + " is " + (stored.isEmpty() ? "unknown" : "closed"));
        }
        Optional<List<String>> accepted = links.acceptedTickets(serial);
        if (accepted.isEmpty()) {
            throw forbidden("appliance-not-connected", "appliance " + serial + " is not connected");
        }
        if (!accepted.get().contains(ticket.value())) {
            throw forbidden(
                    "ticket-not-active",
                    "ticket " + ticket.value() + " is not active on appliance " + serial
                            + "'s link (its admin has not connected with it)");
        }
        try {
            return issuer.get().issue(certificate, serial, ticket.value(), lifetime, reason);
        } catch (TokenRefusedException e) {
            throw badInput(e.reason().label(), e.getMessage());
        } catch (IllegalArgumentException | CryptoException e) {
            throw badInput("bad-request", e.getMessage());
        }
    }

    private static Refused forbidden(String code, String message) {
        return new Refused(true, code, message);
    }

    private static Refused badInput(String code, @Nullable String message) {
        return new Refused(false, code, message);
    }

    private static @Nullable String printable(@Nullable String text) {
        if (text == null) {
            return null;
        }
        return OneLine.clipped(text, 64);
    }
}
