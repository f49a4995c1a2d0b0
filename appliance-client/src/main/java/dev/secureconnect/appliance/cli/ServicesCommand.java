package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.admin.DaemonNotRunningException;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.AllowedServices;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.tunnel.link.ServiceEntry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code services add|remove|list}: the allow-list of loopback services support streams may reach, kept in
 * {@code appliance.json}. Changes are made to the file under its lock and audited, whether or not the daemon runs; a
 * running daemon is then told to reload, closes streams to a removed service and sends the server a new hello.
 */
@Command(
        name = "services",
        description = "Lists and changes the loopback services support may reach (default: none).",
        subcommands = {ServicesCommand.Add.class, ServicesCommand.Remove.class, ServicesCommand.ListServices.class})
final class ServicesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: add, remove or list");
    }

    @Command(name = "add", description = "Allow-lists a service on 127.0.0.1 (and ::1) PORT under NAME.")
    static final class Add implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "e.g. ssh or web: 1 to 32 of A-Z a-z 0-9 . _ -")
        String name;

        @Option(names = "--port", required = true, paramLabel = "PORT", description = "The local port, 1 to 65535.")
        int port;

        Add(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            ServiceEntry entry = AllowedServices.add(
                    directory, new ApplianceAuditLog(directory, console.clock()), console.user(), name, port);
            console.out()
                    .println("service " + entry.name() + " (127.0.0.1:" + entry.port() + ") allow-listed; "
                            + notifyDaemon(directory));
            return 0;
        }
    }

    @Command(name = "remove", description = "Removes a service from the allow-list; open streams to it are closed.")
    static final class Remove implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The service's name.")
        String name;

        Remove(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            ServiceEntry removed = AllowedServices.remove(
                    directory, new ApplianceAuditLog(directory, console.clock()), console.user(), name);
            console.out()
                    .println("service " + removed.name() + " (127.0.0.1:" + removed.port()
                            + ") removed from the allow-list; " + notifyDaemon(directory));
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the allow-listed services.")
    static final class ListServices implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        ListServices(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            List<ServiceEntry> services = dir.open().config().services();
            if (json) {
                JsonOutput.print(console.out(), Json.COMPACT, services);
            } else if (services.isEmpty()) {
                console.out()
                        .println("no service is allow-listed: add one with 'sc-appliance services add --dir " + dir.dir
                                + " --name NAME --port PORT'");
            } else {
                TextTable table = new TextTable("NAME", "PORT", "TARGET");
                services.forEach(s -> table.row(s.name(), s.port(), "127.0.0.1:" + s.port() + ", [::1]:" + s.port()));
                table.print(console.out());
            }
            return 0;
        }
    }

    /** Tells a running daemon to reload; says what happened. */
    static String notifyDaemon(ApplianceDirectory directory) {
        try {
            Daemon.request(directory, AdminRequest.of("reload"));
            return "the daemon now uses the new list and sends it to the server";
        } catch (DaemonNotRunningException e) {
            return "the daemon is not running: it reads the list when it starts";
        } catch (ApplianceException e) {
            throw new ApplianceException(
                    "the allow-list in " + directory.configFile() + " was changed, but the running"
                            + " daemon did not reload it: " + e.getMessage() + " (restart the daemon)",
                    e);
        }
    }
}
