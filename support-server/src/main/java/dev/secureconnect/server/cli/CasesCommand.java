package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.server.cases.AlertRule;
import dev.secureconnect.server.cases.CaseException;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cases.RulesException;
import dev.secureconnect.server.cases.RulesFile;
import dev.secureconnect.server.cases.SupportCase;
import dev.secureconnect.server.storage.Database;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "cases",
        description = "Lists, shows and closes the support cases Call Home's alert rules opened; checks rules.yaml.",
        subcommands = {
            CasesCommand.ListCases.class,
            CasesCommand.Show.class,
            CasesCommand.Close.class,
            CasesCommand.CheckRules.class
        })
final class CasesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list, show, close or rules");
    }

    static CaseStore store(Database database, ServerDir server) {
        return new CaseStore(database, server.audit(database), Clock.systemUTC());
    }

    /** One case for --json: times as ISO-8601 text, the scope as an object. */
    static Map<String, Object> row(SupportCase c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", c.id());
        row.put("appliance", c.appliance());
        row.put("rule", c.rule());
        row.put("title", c.title());
        row.put("severity", c.severity().text());
        row.put("bundleId", c.bundleId());
        row.put("dedupKey", c.dedupKey());
        row.put("state", c.state().code());
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("services", c.scope().services());
        scope.put("commands", c.scope().commands());
        scope.put("folders", c.scope().folders());
        scope.put("duration", c.scope().duration().toString());
        row.put("scope", scope);
        row.put("openedAt", c.openedAt().toString());
        row.put("updatedAt", c.updatedAt().toString());
        row.put("stateReason", c.stateReason());
        return row;
    }

    @Command(name = "list", description = "Lists the cases, newest first.")
    static final class ListCases implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Mixin
        ApplianceListing listing;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            int limit = listing.limit();
            List<SupportCase> cases;
            try (Database database = server.database()) {
                cases = store(database, server).list(listing.appliance, limit);
            }
            listing.print(
                    spec.commandLine().getOut(),
                    cases,
                    CasesCommand::row,
                    new TextTable("ID", "APPLIANCE", "STATE", "SEVERITY", "OPENED", "RULE", "TITLE", "ACCESS"),
                    c -> new Object[] {
                        c.id(),
                        c.appliance(),
                        c.state().code(),
                        c.severity().text(),
                        c.openedAt(),
                        c.rule(),
                        c.title(),
                        c.scope().describe()
                    });
            return 0;
        }
    }

    @Command(name = "show", description = "Prints one case as JSON, with the access scope it needs.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "ID", description = "The case's id, as 'cases list' shows it.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Optional<SupportCase> found;
            try (Database database = server.database()) {
                found = store(database, server).find(id.strip());
            }
            if (found.isEmpty()) {
                throw new CliException(
                        "no case has the id '" + OneLine.quoted(id, 32) + "' (see 'sc-server cases list')");
            }
            JsonOutput.print(spec.commandLine().getOut(), Mappers.indentedJson(), row(found.get()));
            return 0;
        }
    }

    @Command(name = "close", description = "Closes a case (audited case.closed).")
    static final class Close implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "ID", description = "The case's id, as 'cases list' shows it.")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (one line; default: resolved).")
        String reason = "resolved";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SupportCase closed;
            try (Database database = server.database()) {
                closed = store(database, server).close(id.strip(), ServerDir.actor(), reason);
            } catch (CaseException e) {
                throw new CliException(String.valueOf(e.getMessage()));
            }
            spec.commandLine().getOut().println("case " + closed.id() + " closed");
            return 0;
        }
    }

    @Command(
            name = "rules",
            description = "Checks DIR/rules.yaml as the server would read it and lists its rules; exit 1 naming the"
                    + " line when it is not valid.")
    static final class CheckRules implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<AlertRule> rules;
            try {
                rules = RulesFile.read(server.dir.toAbsolutePath().normalize());
            } catch (RulesException e) {
                throw new CliException(String.valueOf(e.getMessage()));
            }
            TextTable table = new TextTable("RULE", "SEVERITY", "REARM", "DEDUP KEY", "ACCESS", "TITLE");
            for (AlertRule rule : rules) {
                table.row(
                        rule.name(),
                        rule.severity().text(),
                        rule.rearm(),
                        rule.dedupKey(),
                        rule.scope().describe(),
                        rule.title());
            }
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }
}
