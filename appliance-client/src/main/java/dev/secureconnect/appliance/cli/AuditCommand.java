package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "audit",
        description = "Lists the appliance's own audit log: every admin action and every link and"
                + " stream event, so you can see what support did.",
        subcommands = {AuditCommand.Verify.class, AuditReportCommands.Report.class, AuditReportCommands.Sessions.class})
final class AuditCommand implements Callable<Integer> {

    private final Console console;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // not required here, so that 'audit verify --dir DIR' needs no second --dir before 'verify'
    @Option(names = "--dir", paramLabel = "DIR", description = "The appliance directory (set up by 'init').")
    Path dir;

    @Option(names = "--json", description = "Print a JSON array of the records.")
    boolean json;

    AuditCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        if (dir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--dir=DIR'");
        }
        List<ApplianceAuditRecord> records =
                new ApplianceAuditLog(ApplianceDirectory.open(dir), console.clock()).records();
        if (json) {
            JsonOutput.print(console.out(), Json.COMPACT, records);
            return 0;
        }
        if (records.isEmpty()) {
            console.out().println("the audit log is empty");
            return 0;
        }
        TextTable table =
                new TextTable("SEQ", "TIME", "EVENT", "ACTOR", "TICKET", "SESSION", "TARGET", "OUTCOME", "DETAIL");
        for (ApplianceAuditRecord record : records) {
            String detail = record.reason() == null ? "" : record.reason();
            if (record.bytesToService() != null) {
                detail = (detail.isEmpty() ? "" : detail + "; ") + record.bytesToService() + " bytes to the service, "
                        + record.bytesFromService() + " bytes back";
            }
            if (record.details() != null) {
                String details = record.details().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(" "));
                detail = (detail.isEmpty() ? "" : detail + "; ") + details;
            }
            table.row(
                    record.seq(),
                    record.time(),
                    record.event() + " (" + record.eventId() + ")",
                    record.actor(),
                    record.ticket(),
                    record.session(),
                    record.target(),
                    record.outcome(),
                    detail.isEmpty() ? null : detail);
        }
        table.print(console.out());
        return 0;
    }

    @Command(
            name = "verify",
            description = "Verifies the audit log's hash chain; exit 1 names the first edited, removed"
                    + " or reordered line.")
    static final class Verify implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        Verify(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            int records = new ApplianceAuditLog(directory, console.clock()).verify();
            console.out()
                    .println("audit log " + directory.auditFile() + " is intact: " + records
                            + " records, hash chain verified");
            return 0;
        }
    }
}
