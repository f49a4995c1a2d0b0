package dev.secureconnect.server.cli;

import dev.secureconnect.server.ServerDaemon;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "Runs the support server until it is stopped (SIGTERM or Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ServerDir server;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServerDaemon daemon = ServerDaemon.start(server.dir, server.config(), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.close();
                            stopped.countDown();
                        },
                        "sc-server-shutdown"));
        InetSocketAddress appliance = daemon.applianceAddress();
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress engineer = daemon.engineerAddress();
        out.println("sc-server: appliance listener on " + appliance.getHostString() + ":" + appliance.getPort()
                + ", engineer listener on " + engineer.getHostString() + ":" + engineer.getPort() + " (also in "
                + server.dir.resolve(ServerDaemon.LISTENERS_FILE) + ")");
        out.flush();
        stopped.await();
        return 0;
    }
}
