package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenRefusedException;
import dev.secureconnect.crypto.token.TokenScope;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code access SERIAL --ticket N | --case CASE}: asks the server for an access token for one appliance and ticket (or
 * support case) and keeps it in {@code tokens/SERIAL.jwe}, encrypted under the engineer's token passphrase. Prints what
 * the token is for, never the token.
 */
@Command(
        name = "access",
        description = "Gets an access token for one appliance and one open ticket, or one approved support case, and"
                + " stores it encrypted under your token passphrase; forward, proxy, exec, get and put use it. A case's"
                + " token reaches only the services, commands and folders of the case, until its approval ends.")
final class AccessCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/tokens";

    private final Console console;

    @Parameters(
            index = "0",
            paramLabel = "SERIAL",
            converter = Converters.Serial.class,
            description = "The appliance's serial.")
    String serial;

    @Option(
            names = "--ticket",
            paramLabel = "N",
            converter = Converters.Ticket.class,
            description = "The 8-digit ticket the appliance's admin connected.")
    TicketNumber ticket;

    @Option(
            names = "--case",
            paramLabel = "CASE",
            converter = Converters.CaseId.class,
            description = "Instead of --ticket: a support case the appliance's admin approved (C and 8 digits, see"
                    + " 'sc-engineer cases').")
    String caseId;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            converter = Converters.Lifetime.class,
            description = "How long the token works, e.g. 90m, 2h, 7d (at most 7 days); default: the server's (1 h).")
    Duration ttl;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "Why you need access; kept in the token and the audit.")
    String reason;

    @Mixin
    TokenOption token;

    AccessCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if ((ticket == null) == (caseId == null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    ticket == null
                            ? "Missing required option: '--ticket=N' or '--case=CASE'"
                            : "--ticket and --case are mutually exclusive (a case has its own ticket)");
        }
        LoggedIn.require(console);
        Path file = console.engineerHome().tokenFile(serial);
        char[] passphrase = Passphrases.tokenToStore(token.passphraseFile, console.prompter());
        try {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("appliance", serial);
            if (ticket != null) {
                request.put("ticket", ticket.value());
            } else {
                request.put("case", caseId);
            }
            if (ttl != null) {
                request.put("ttlSeconds", ttl.toSeconds());
            }
            if (reason != null && !reason.isBlank()) {
                request.put("reason", reason);
            }
            JsonNode answer;
            try (LoggedIn loggedIn = LoggedIn.open(console)) {
                answer = Api.call(loggedIn, "POST", PATH, request);
            }
            SignedAccessToken issued;
            try {
                issued = SignedAccessToken.parseUnverified(LoginCommand.text(answer, "token"));
            } catch (TokenRefusedException e) {
                throw new EngineerException("the server's answer holds no valid access token", e);
            }
            if (!issued.claims().appliance().equals(serial)) {
                throw new EngineerException("the server issued a token for appliance "
                        + issued.claims().appliance() + ", not " + serial + ": it was not stored");
            }
            if (caseId != null
                    && !issued.claims()
                            .scope()
                            .map(TokenScope::caseId)
                            .orElse("")
                            .equals(caseId)) {
                throw new EngineerException(
                        "the server issued a token that is not limited to case " + caseId + ": it was not stored");
            }
            console.engineerHome().prepareTokens();
            new TokenVault().store(file, issued, passphrase);
            console.out()
                    .println("token " + issued.claims().id() + " for appliance "
                            + issued.claims().appliance()
                            + issued.claims()
                                    .scope()
                                    .map(scope -> ", case " + scope.caseId() + " (ticket " + scope.ticket() + ")")
                                    .orElse(", ticket " + issued.claims().ticket())
                            + ", expires at "
                            + issued.claims().expiresAt()
                            + " (stored in " + file + ")");
            issued.claims().scope().ifPresent(scope -> console.out()
                    .println("limited to services " + list(scope.services()) + "; commands " + list(scope.commands())
                            + "; folders " + list(scope.folders())));
            return 0;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private static String list(java.util.List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }
}
