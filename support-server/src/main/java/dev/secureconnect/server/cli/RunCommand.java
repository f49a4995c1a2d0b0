package dev.secureconnect.server.cli;

import dev.secureconnect.cli.InstanceLock;
import dev.secureconnect.cli.InstanceLockedException;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", description = "Runs the support server until it is stopped (SIGTERM or Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    /** The daemon's lock, in the server directory. */
    static final String LOCK_FILE = "run/daemon.lock";

    @Mixin
    ServerDir server;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = server.config(); // a directory that is not a server's is refused as such, not locked
        InstanceLock lock = lock(); // before the daemon reads or writes anything in the directory
        ServerDaemon daemon;
        try {
            daemon = ServerDaemon.start(server.dir, config, Clock.systemUTC());
        } catch (RuntimeException | InterruptedException e) {
            try {
                lock.close();
            } catch (IOException notReleased) {
                e.addSuppressed(notReleased);
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.close(); // the lock goes with the process, after the hooks
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

    /**
     * Holds {@code DIR/run/daemon.lock} for this process: a second {@code run} on the same directory is refused with
     * the PID of the first.
     */
    private InstanceLock lock() {
        Path file = server.dir.resolve(LOCK_FILE);
        try {
            Files.createDirectories(file.getParent());
            return InstanceLock.acquire(file);
        } catch (InstanceLockedException e) {
            throw new CliException("an sc-server daemon is already running for " + server.dir + " (PID " + e.pid()
                    + "): stop it first, or give this one a directory of its own with --dir");
        } catch (IOException e) {
            throw new CliException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }
}
