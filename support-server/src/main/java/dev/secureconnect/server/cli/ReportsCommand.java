package dev.secureconnect.server.cli;

import dev.secureconnect.reports.ReportException;
import dev.secureconnect.reports.ReportFormat;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.reports.SessionReports;
import dev.secureconnect.server.storage.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "reports",
        description = "Session reports rendered from the audit log.",
        subcommands = {ReportsCommand.Show.class})
final class ReportsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: show");
    }

    @Command(
            name = "show",
            description = "Prints the report of one session: who, which appliance and ticket, when,"
                    + " how long, and every action.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "SESSION_ID", description = "The session id (stream.opened's session, 'audit list').")
        String sessionId;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "text",
                description = "text (default) or html.")
        String format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ReportFormat chosen;
            try {
                chosen = ReportFormat.parse(format);
            } catch (IllegalArgumentException | ReportException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            ServerConfig config = server.config();
            String text;
            try (Database database = server.database()) {
                SessionReports reports = new SessionReports(
                        server.audit(database),
                        config.reports().folder(server.dir.toAbsolutePath().normalize()));
                text = reports.render(reports.report(sessionId), chosen);
            } catch (ReportException e) {
                throw new CliException(String.valueOf(e.getMessage()), e);
            }
            spec.commandLine().getOut().print(text);
            return 0;
        }
    }
}
