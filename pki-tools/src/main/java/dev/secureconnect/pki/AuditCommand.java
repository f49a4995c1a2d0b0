package dev.secureconnect.pki;

import dev.secureconnect.pki.ca.CaDirectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Checks the CA's issuance log.", subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: verify");
    }

    @Command(
            name = "verify",
            description =
                    "Verifies the issuance log's hash chain, signatures and head; exit 1 names the first bad entry.")
    static final class Verify implements Callable<Integer> {
        private final Terminal terminal;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CA directory.")
        Path dir;

        Verify(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            int entries = CaDirectory.open(dir, terminal.clock()).verifyLog();
            terminal.out()
                    .println("issuance log of " + dir + " is intact: " + entries
                            + " entries, hash chain and issuing CA signatures verified");
            return 0;
        }
    }
}
