package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenRefusedException;
import dev.secureconnect.crypto.token.TokenScope;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.cases.AccessScope;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cases.SupportCase;
import dev.secureconnect.server.engineers.Engineer;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.link.ApplianceLinks;
import dev.secureconnect.server.metrics.TokenMetrics;
import dev.secureconnect.server.tickets.Ticket;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * at most 7 days), the engineer is enrolled and enabled, for a support case its checks (below), the appliance is
 * connected to this node, the ticket is open, and the ticket is accepted on that appliance's link.
 *
 * <p><b>A support case's token.</b> A request for a case ({@code case}), or for the ticket of a case, gets a token for
 * the case's ticket that carries the case's scope ({@link TokenScope}: its services, commands and folders) and
 * expires no later than the admin's approval. It is issued only for a case of that appliance that its admin approved
 * and whose approval has not ended ({@code case-unknown}, {@code case-other-appliance}, {@code case-not-approved},
 * {@code case-approval-ended}). There is no unscoped token for a case's ticket. Every refusal is audited as {@code token.refused} with its
 * reason code; an issued token is recorded and audited ({@link TokenStore#recordIssued}) before it is handed out.
 *
 * <p>Uses the database: call it on a blocking thread. Thread-safe.
 */
public final class TokenIssuance {

    private static final Logger LOG = LoggerFactory.getLogger(TokenIssuance.class);
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern CASE = Pattern.compile("C[0-9]{8}");

    private final Supplier<AccessTokenIssuer> issuer;
    private final TokenStore tokens;
    private final EngineerStore engineers;
    private final TicketStore tickets;
    private final ApplianceLinks links;
    private final ServerAuditLog audit;
    private final TokenMetrics metrics;
    private final CaseStore cases;
    private final Clock clock;

    /**
     * @param cases the support cases, for a case's token
     * @param clock decides how long a case's approval still runs
     */
    public TokenIssuance(
            Supplier<AccessTokenIssuer> issuer,
            TokenStore tokens,
            EngineerStore engineers,
            TicketStore tickets,
            ApplianceLinks links,
            ServerAuditLog audit,
            CaseStore cases,
            Clock clock) {
        this(issuer, tokens, engineers, tickets, links, audit, cases, clock, TokenMetrics.none());
    }

    /** @param metrics counts each token issued, and each refused with its code */
    public TokenIssuance(
            Supplier<AccessTokenIssuer> issuer,
            TokenStore tokens,
            EngineerStore engineers,
            TicketStore tickets,
            ApplianceLinks links,
            ServerAuditLog audit,
            CaseStore cases,
            Clock clock,
            TokenMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.issuer = requireNonNull(issuer, "issuer");
        this.tokens = requireNonNull(tokens, "tokens");
        this.engineers = requireNonNull(engineers, "engineers");
        this.tickets = requireNonNull(tickets, "tickets");
        this.links = requireNonNull(links, "links");
        this.audit = requireNonNull(audit, "audit");
        this.cases = requireNonNull(cases, "cases");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * What an engineer asks for.
     *
     * @param ticket the ticket; may be left out for a case (it is the case's)
     * @param lifetime null for {@link AccessToken#DEFAULT_LIFETIME}
     * @param reason free text, or null
     * @param caseId a support case ({@code C} and 8 digits), or null
     */
    public record Request(
            @Nullable String appliance,
            @Nullable String ticket,
            @Nullable Duration lifetime,
            @Nullable String reason,
            @Nullable String caseId) {

        /** A request for a ticket, not naming a case. */
        public Request(
                @Nullable String appliance,
                @Nullable String ticket,
                @Nullable Duration lifetime,
                @Nullable String reason) {
            this(appliance, ticket, lifetime, reason, null);
        }
    }

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
                            .detail("caseId", printable(request.caseId()))
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
        String caseId = request.caseId();
        if (caseId != null && !CASE.matcher(caseId).matches()) {
            throw badInput("bad-case", "case: expected C and eight digits, e.g. C12345678");
        }
        TicketNumber ticket;
        try {
            ticket = TicketNumber.parse(
                    request.ticket() == null && caseId != null
                            ? caseId.substring(1)
                            : request.ticket() == null ? "" : request.ticket());
        } catch (RuntimeException e) {
            throw badInput("bad-ticket", "ticket: expected exactly 8 digits");
        }
        if (caseId != null && !CaseStore.ticket(caseId).equals(ticket)) {
            throw badInput(
                    "bad-ticket",
                    "ticket " + ticket.value() + " is not the ticket of case " + caseId + " (" + caseId.substring(1)
                            + "): give the case alone");
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
        Optional<SupportCase> forCase = cases.find(caseId != null ? caseId : "C" + ticket.value());
        if (caseId != null && forCase.isEmpty()) {
            throw forbidden("case-unknown", "case " + caseId + " does not exist (see 'sc-engineer cases')");
        }
        TokenScope scope = null;
        if (forCase.isPresent()) {
            SupportCase supportCase = forCase.get();
            scope = caseScope(supportCase, serial);
            lifetime = withinApproval(supportCase, lifetime);
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
            return issuer.get().issue(certificate, serial, ticket.value(), lifetime, reason, scope);
        } catch (TokenRefusedException e) {
            throw badInput(e.reason().label(), e.getMessage());
        } catch (IllegalArgumentException | CryptoException e) {
            throw badInput("bad-request", e.getMessage());
        }
    }

    /** The scope of an approved case of appliance {@code serial}, for its token. */
    private static TokenScope caseScope(SupportCase supportCase, String serial) {
        if (!supportCase.appliance().equals(serial)) {
            throw forbidden(
                    "case-other-appliance",
                    "case " + supportCase.id() + " is for appliance " + supportCase.appliance() + ", not " + serial);
        }
        if (supportCase.state() != SupportCase.State.APPROVED) {
            throw forbidden(
                    "case-not-approved",
                    "case " + supportCase.id() + " is " + supportCase.state().code()
                            + (supportCase.state() == SupportCase.State.OPEN
                                    ? ": its appliance's admin has not approved it (sc-appliance approve "
                                            + supportCase.id() + ")"
                                    : ", not approved"));
        }
        AccessScope scope = supportCase.scope();
        return new TokenScope(supportCase.id(), scope.services(), scope.commands(), scope.folders());
    }

    /** {@code lifetime}, cut so that the token ends no later than the case's approval. */
    private Duration withinApproval(SupportCase supportCase, Duration lifetime) {
        Optional<Instant> until = cases.approvedUntil(supportCase.id());
        Instant now = clock.instant();
        Duration left = until.map(
                        end -> Duration.ofSeconds(Duration.between(now, end).getSeconds()))
                .orElse(Duration.ZERO);
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            throw forbidden(
                    "case-approval-ended",
                    "the approval of case " + supportCase.id()
                            + until.map(end -> " ended at " + end).orElse(" has no end recorded")
                            + ": ask the appliance's admin to approve it again");
        }
        return left.compareTo(lifetime) < 0 ? left : lifetime;
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
