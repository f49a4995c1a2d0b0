package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.admin.AdminRequest;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code callhome preview|send|enable|disable|status|history}: Call Home through the daemon's admin API (the console
 * uses the same requests). Independent of the SecureConnect switch.
 */
@Command(
        name = "callhome",
        description = "Call Home: the diagnostic bundle sent to support every few hours (see what leaves, send one,"
                + " turn the schedule on or off, its state and history). Independent of 'enable'/'disable'.",
        subcommands = {
            CallHomeCommand.Preview.class,
            CallHomeCommand.Send.class,
            CallHomeCommand.On.class,
            CallHomeCommand.Off.class,
            CallHomeCommand.Status.class,
            CallHomeCommand.History.class
        })
final class CallHomeCommand implements Runnable {

    /** How long a bundle may take to make (health checks) and send, beyond the usual answer time. */
    static final Duration SEND_WAIT = Duration.ofMinutes(10);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "say what to do: preview, send, enable, disable, status or history");
    }

    /** One admin request; prints the daemon's message. */
    abstract static class Request implements Callable<Integer> {
        private final Console console;
        private final String command;
        private final Duration wait;

        @Mixin
        DirOption dir;

        Request(Console console, String command, Duration wait) {
            this.console = console;
            this.command = command;
            this.wait = wait;
        }

        @Override
        public Integer call() {
            String message =
                    Daemon.request(dir.open(), AdminRequest.of(command), wait).message();
            console.out().println(message == null ? "" : message);
            return 0;
        }
    }

    @Command(name = "preview", description = "Prints the exact JSON the next bundle would send (nothing is sent).")
    static final class Preview extends Request {
        Preview(Console console) {
            super(console, "callhome-preview", SEND_WAIT);
        }
    }

    @Command(
            name = "send",
            description = "Makes a bundle now and sends it (with any spooled before it, in order); exits 1 when it"
                    + " could only be spooled.")
    static final class Send extends Request {
        Send(Console console) {
            super(console, "callhome-send", SEND_WAIT);
        }
    }

    @Command(name = "enable", description = "Sends a bundle on the schedule (callHome.interval of appliance.json).")
    static final class On extends Request {
        On(Console console) {
            super(console, "callhome-enable", Duration.ZERO);
        }
    }

    @Command(name = "disable", description = "Stops the schedule: bundles leave only with 'callhome send'.")
    static final class Off extends Request {
        Off(Console console) {
            super(console, "callhome-disable", Duration.ZERO);
        }
    }

    @Command(name = "status", description = "Whether it is on, last sent, next due, the spool and the last error.")
    static final class Status extends Request {
        Status(Console console) {
            super(console, "callhome-status", SEND_WAIT);
        }
    }

    @Command(name = "history", description = "The bundles made, oldest first, one JSON line each (with SHA-256).")
    static final class History extends Request {
        History(Console console) {
            super(console, "callhome-history", SEND_WAIT);
        }
    }
}
