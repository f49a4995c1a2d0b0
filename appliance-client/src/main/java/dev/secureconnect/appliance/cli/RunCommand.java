package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.daemon.ApplianceDaemon;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "run",
        description =
                "Runs the appliance daemon in the foreground until SIGTERM or SIGINT: holds the link"
                        + " while SecureConnect is enabled and a ticket is connected, and serves the admin commands on DIR/run/admin.sock.")
final class RunCommand implements Callable<Integer> {

    private final Console console;

    @Mixin
    DirOption dir;

    RunCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        ApplianceDaemon daemon = ApplianceDaemon.start(dir.dir, console.clock());
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "sc-appliance-shutdown"));
        console.out()
                .println("sc-appliance daemon running for " + dir.dir + " (appliance " + daemon.serial()
                        + "); admin socket " + daemon.directory().adminSocket() + "; stop it with SIGTERM");
        console.out().flush();
        daemon.awaitClosed();
        return 0;
    }
}
