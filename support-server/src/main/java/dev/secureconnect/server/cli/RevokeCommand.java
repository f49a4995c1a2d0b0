package dev.secureconnect.server.cli;

import dev.secureconnect.server.enrolment.ApplianceCertificates;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.enrolment.EnrolmentCrl;
import dev.secureconnect.server.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "revoke",
        description = "Revokes every unexpired certificate the enrolment CA signed for one appliance serial (in the"
                + " enrolment CA's revocation list): its link is closed and refused at its next handshake, and it"
                + " cannot renew. It comes back only with a new code made with 'invite --replace'.")
final class RevokeCommand implements Callable<Integer> {

    @Mixin
    ServerDir server;

    @Option(names = "--serial", required = true, paramLabel = "SERIAL", description = "The appliance's serial.")
    String serial;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            defaultValue = "revoked by the operator",
            description = "Why, for the audit log (default: ${DEFAULT-VALUE}).")
    String reason;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        server.config();
        Path dir = server.dir.toAbsolutePath().normalize();
        if (!EnrolmentCa.presentIn(dir)) {
            throw new CliException(dir + " holds no enrolment CA, so it signed no appliance certificate: revoke a"
                    + " certificate made with 'sc-pki issue' with 'sc-pki revoke'");
        }
        Clock clock = Clock.systemUTC();
        EnrolmentCrl crl = new EnrolmentCrl(
                dir, EnrolmentCa.load(dir, EnrolmentCaCommand.roots(dir).get(0), clock), clock);
        List<ApplianceCertificates.Stored> revoked;
        try (Database database = server.database()) {
            revoked = new ApplianceCertificates(database, server.audit(database), clock)
                    .revoke(serial, reason, ServerDir.actor(), crl);
        }
        spec.commandLine()
                .getOut()
                .println("revoked " + revoked.size() + " certificate(s) of appliance " + serial
                        + ": its link is closed and refused; to bring it back: sc-server appliances invite --serial "
                        + serial + " --replace");
        return 0;
    }
}
