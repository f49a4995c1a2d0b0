package dev.secureconnect.appliance.daemon;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.admin.AdminResponse;
import dev.secureconnect.appliance.admin.AdminServer;
import dev.secureconnect.appliance.callhome.CallHome;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.appliance.link.ApplianceStatus;
import dev.secureconnect.appliance.link.LinkSupervisor;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.InvalidTicketNumberException;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** What each admin request does to the daemon. */
final class AdminCommands implements AdminServer.Handler {

    /** The longest {@code connect --wait}. */
    static final Duration MAX_WAIT = Duration.ofMinutes(2);

    private final ApplianceDirectory directory;
    private final LinkSupervisor supervisor;
    private final CallHome callHome;

    AdminCommands(ApplianceDirectory directory, LinkSupervisor supervisor, CallHome callHome) {
        this.directory = requireNonNull(directory, "directory");
        this.supervisor = requireNonNull(supervisor, "supervisor");
        this.callHome = requireNonNull(callHome, "callHome");
    }

    @Override
    public AdminResponse handle(AdminRequest request, String actor) {
        String command = request.command() == null ? "" : request.command();
        return switch (command) {
            case "status" -> AdminResponse.done(null, supervisor.status());
            case "enable" -> done(supervisor.enable(actor));
            case "disable" -> done(supervisor.disable(actor));
            case "connect" -> connect(request, actor);
            case "disconnect" -> {
                boolean all = Boolean.TRUE.equals(request.all());
                if (all == (request.ticket() != null)) {
                    throw new ApplianceException("disconnect needs either a ticket or all");
                }
                yield done(supervisor.disconnect(all ? null : parseTicket(request.ticket()), actor));
            }
            case "sessions" -> AdminResponse.sessions(supervisor.sessions(), supervisor.status());
            case "close-session" -> {
                String session = request.session();
                if (session == null || session.isBlank()) {
                    throw new ApplianceException("close-session needs the session's id");
                }
                yield done(supervisor.closeSession(session, actor));
            }
            case "reload" -> {
                ApplianceConfig config = directory.config();
                supervisor.reload(config);
                yield done("the daemon reloaded the services from "
                        + directory.configFile().getFileName() + " ("
                        + (config.services().isEmpty() ? "none" : String.join(", ", config.serviceLabels())) + ")");
            }
            case "callhome-preview" -> done(callHome.preview());
            case "callhome-send" -> done(callHome.sendNow(actor));
            case "callhome-enable" -> done(callHome.enable(actor));
            case "callhome-disable" -> done(callHome.disable(actor));
            case "callhome-status" -> done(callHome.status());
            case "callhome-history" -> done(callHome.history());
            case "cases" -> done(Json.line(new CaseNotice.Cases(supervisor.cases())));
            case "approve" ->
                done(supervisor.approve(
                        caseId(request), request.duration() == null ? null : parseFor(request.duration()), actor));
            case "decline" ->
                done(supervisor.decline(caseId(request), request.reason() == null ? "" : request.reason(), actor));
            default ->
                AdminResponse.failed("unknown command '" + command + "' (expected one of: "
                        + String.join(", ", AdminRequest.COMMANDS) + ")");
        };
    }

    private AdminResponse connect(AdminRequest request, String actor) {
        TicketNumber ticket = parseTicket(request.ticket());
        Duration wait = request.waitFor() == null ? null : parseWait(request.waitFor());
        String message = supervisor.connect(ticket, actor);
        if (wait == null) {
            return done(message);
        }
        ApplianceStatus.Connection row = supervisor.awaitVerdict(ticket, wait);
        if (row == null) {
            throw new ApplianceException("ticket " + ticket + " was disconnected before the server gave its verdict");
        }
        return switch (row.status()) {
            case "accepted" -> done("ticket " + ticket + " accepted by the server at " + row.server());
            case "refused" ->
                throw new ApplianceException(
                        "ticket " + ticket + " refused by the server at " + row.server() + ": " + row.reason());
            default ->
                done(message + "; no verdict from the server within " + Durations.format(wait)
                        + ": see 'sc-appliance status'");
        };
    }

    /** A bad number is the admin's mistake: answered with its one-line message, like any other refusal. */
    private static TicketNumber parseTicket(@Nullable String text) {
        try {
            return TicketNumber.parse(text);
        } catch (InvalidTicketNumberException e) {
            throw new ApplianceException(e.getMessage(), e);
        }
    }

    private static String caseId(AdminRequest request) {
        String id = request.caseId();
        if (id == null || id.isBlank()) {
            throw new ApplianceException(request.command() + " needs the case's id (see 'sc-appliance cases')");
        }
        return id.strip();
    }

    private static Duration parseFor(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApplianceException("--for: " + e.getMessage(), e);
        }
    }

    private static Duration parseWait(String text) {
        Duration wait;
        try {
            wait = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApplianceException("wait: " + e.getMessage(), e);
        }
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new ApplianceException("wait: " + text + " (expected: at most " + Durations.format(MAX_WAIT) + ")");
        }
        return wait;
    }

    private AdminResponse done(String message) {
        return AdminResponse.done(message, supervisor.status());
    }
}
