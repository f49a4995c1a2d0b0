package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.access.TokenKeys;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        description = "Sets up an appliance directory: checks the appliance's certificate, key, chain and"
                + " CA, copies them in (the key mode 0600) and writes appliance.json; SecureConnect starts disabled.")
final class InitCommand implements Callable<Integer> {

    private final Console console;

    @Option(
            names = "--dir",
            required = true,
            paramLabel = "DIR",
            description = "The appliance directory to create; default: $SC_DIR, else /var/lib/secureconnect/appliance.")
    Path dir;

    @Option(
            names = "--server",
            required = true,
            paramLabel = "HOST:PORT",
            converter = Converters.Server.class,
            description = "The support server's appliance listener; its certificate must name HOST.")
    ServerAddress server;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "This appliance's certificate (PEM).")
    Path certificate;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Its private key (PEM, unencrypted).")
    Path key;

    @Option(
            names = "--chain",
            required = true,
            paramLabel = "FILE",
            description = "The issuing CA certificate(s) (PEM).")
    Path chain;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "The root CA certificate (PEM).")
    Path ca;

    @Option(
            names = "--token-key",
            paramLabel = "FILE",
            description = "The support server's public token key set"
                    + " ('sc-server token-key --out FILE'); can be given later with 'sc-appliance token-key'.")
    Path tokenKey;

    @Mixin
    ConsoleOption webConsole;

    InitCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if (tokenKey != null) {
            TokenKeys.check(tokenKey); // before anything is written: a refused init leaves nothing behind
        }
        String serial =
                Enrolment.init(new Enrolment.Request(dir, server, certificate, key, chain, ca), console.clock());
        webConsole.applyTo(dir);
        if (tokenKey != null) {
            TokenKeyCommand.pin(ApplianceDirectory.open(dir), tokenKey, console);
        }
        console.out()
                .println("appliance " + serial + " set up in " + dir + " for server " + server
                        + "; SecureConnect is disabled: start the daemon with 'sc-appliance run --dir " + dir
                        + "', then 'sc-appliance enable --dir " + dir + "'"
                        + (tokenKey == null
                                ? "; no token key is pinned yet: every support session is refused until"
                                        + " 'sc-appliance token-key --dir " + dir + " --file FILE'"
                                : "; token key pinned"));
        return 0;
    }
}
