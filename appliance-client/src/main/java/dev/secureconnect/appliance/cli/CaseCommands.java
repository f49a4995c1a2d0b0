package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.tunnel.link.CaseNotice;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cases}, {@code approve} and {@code decline}: the support cases Call Home opened for this appliance, and the
 * admin's one-command consent to the access each needs (through the daemon's admin socket, like {@code connect}).
 */
final class CaseCommands {

    private CaseCommands() {}

    @Command(
            name = "cases",
            description = "Lists the support cases the server opened for this appliance: id, severity, title, the"
                    + " access each needs (services, commands, folders, for how long) and its state (open, approved,"
                    + " declined, closed).")
    static final class Cases implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        Cases(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            String message =
                    Daemon.request(dir.open(), AdminRequest.of("cases")).message();
            CaseNotice.Cases cases;
            try {
                cases = Json.COMPACT.readValue(message == null ? "" : message, CaseNotice.Cases.class);
            } catch (JsonProcessingException e) {
                throw new ApplianceException("the daemon's list of cases cannot be read: " + Json.problem(e), e);
            }
            if (json) {
                JsonOutput.print(console.out(), Json.COMPACT, cases);
                return 0;
            }
            if (cases.cases().isEmpty()) {
                console.out().println("no support cases");
                return 0;
            }
            TextTable table = new TextTable("ID", "SEVERITY", "TITLE", "SCOPE", "STATE");
            for (CaseNotice notice : cases.cases()) {
                table.row(
                        notice.id(),
                        notice.severity(),
                        notice.title(),
                        notice.scope().describe(),
                        notice.state());
            }
            table.print(console.out());
            return 0;
        }
    }

    @Command(
            name = "approve",
            description = "Approves a support case: connects its ticket limited to exactly the case's services,"
                    + " commands and folders, for the case's time or less, and tells the server. The engineer's token"
                    + " for the case reaches nothing else; this appliance refuses anything outside the case itself.")
    static final class Approve implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Parameters(paramLabel = "CASE", description = "The case's id, e.g. C12345678 (see 'sc-appliance cases').")
        String caseId;

        @Option(
                names = "--for",
                paramLabel = "DURATION",
                description = "Approve for this long (e.g. 90m, 2h): may shorten the case's time, never extend it."
                        + " Default: the case's time.")
        String duration;

        Approve(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            console.out()
                    .println(Daemon.request(dir.open(), AdminRequest.ofCase("approve", caseId, duration, null))
                            .message());
            return 0;
        }
    }

    @Command(
            name = "decline",
            description = "Declines a support case: no engineer gets in through it, and the server is told (with the"
                    + " reason, if given).")
    static final class Decline implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Parameters(paramLabel = "CASE", description = "The case's id (see 'sc-appliance cases').")
        String caseId;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, one line, passed on to support.")
        String reason;

        Decline(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            console.out()
                    .println(Daemon.request(dir.open(), AdminRequest.ofCase("decline", caseId, null, reason))
                            .message());
            return 0;
        }
    }
}
