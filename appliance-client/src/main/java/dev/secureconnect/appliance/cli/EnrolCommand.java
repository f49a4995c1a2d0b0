package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.appliance.enrol.CodeEnrolment;
import dev.secureconnect.appliance.enrol.EnrolmentClient;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "enrol",
        description = "Enrols this appliance with a one-time code ('sc-server appliances invite'): makes its key pair"
                + " here (it never leaves), checks that the server's chain ends in the root CA the code pins (before"
                + " sending anything), sends a certificate request, and sets up DIR from the answer (certificate,"
                + " chain, root, token key set) ready for 'sc-appliance run'; SecureConnect starts disabled.")
final class EnrolCommand implements Callable<Integer> {

    private final Console console;

    @Option(
            names = "--dir",
            required = true,
            paramLabel = "DIR",
            description = "The appliance directory to create (it must not be set up yet).")
    Path dir;

    @Option(
            names = "--server",
            required = true,
            paramLabel = "HOST:PORT",
            converter = Converters.Server.class,
            description =
                    "The support server's enrolment listener (default port 8445); its certificate must name HOST.")
    ServerAddress server;

    @Option(
            names = "--code",
            required = true,
            paramLabel = "CODE",
            description = "The one-time code SC1.… the operator made for this serial.")
    String code;

    @Option(
            names = "--serial",
            required = true,
            paramLabel = "SERIAL",
            description = "This appliance's serial: the one the code was made for.")
    String serial;

    @Option(
            names = "--link",
            paramLabel = "HOST:PORT",
            converter = Converters.Server.class,
            description = "The appliance listener to link to; default: the --server host with the port the server"
                    + " names in its answer.")
    @Nullable
    ServerAddress link;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long the exchange with the server may take (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    ConsoleOption webConsole;

    EnrolCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout: " + timeoutSeconds + " (expected: at least 1 second)");
        }
        CodeEnrolment.Enrolled enrolled = CodeEnrolment.enrol(
                new CodeEnrolment.Request(dir, server, code, serial, link),
                new EnrolmentClient(Duration.ofSeconds(timeoutSeconds)),
                console.clock(),
                tokenKeys -> TokenKeyCommand.pin(ApplianceDirectory.open(dir), tokenKeys, console));
        webConsole.applyTo(dir);
        console.out()
                .println("appliance " + enrolled.serial() + " enrolled (certificate "
                        + CertificateFingerprint.of(enrolled.certificate()).colonHex() + ", until "
                        + enrolled.certificate().getNotAfter().toInstant() + ") and set up in " + dir
                        + " for server " + enrolled.link() + "; token key pinned; SecureConnect is disabled: start"
                        + " the daemon with 'sc-appliance run --dir " + dir + "', then 'sc-appliance enable --dir "
                        + dir
                        + "'");
        return 0;
    }
}
