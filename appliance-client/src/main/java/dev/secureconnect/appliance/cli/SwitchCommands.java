package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.admin.AdminRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code enable} and {@code disable}: SecureConnect on and off (the kill switch), persisted by the daemon. */
final class SwitchCommands {

    private SwitchCommands() {}

    @Command(name = "enable", description = "Turns SecureConnect on (persisted across daemon restarts).")
    static final class Enable implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        Enable(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            console.out()
                    .println(Daemon.request(dir.open(), AdminRequest.of("enable"))
                            .message());
            return 0;
        }
    }

    @Command(
            name = "disable",
            description = "The kill switch: closes every support stream and the link at once,"
                    + " disconnects every ticket and keeps SecureConnect off, across daemon restarts, until 'enable'.")
    static final class Disable implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        Disable(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            console.out()
                    .println(Daemon.request(dir.open(), AdminRequest.of("disable"))
                            .message());
            return 0;
        }
    }
}
