package dev.secureconnect.server.cli;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "enrolment-ca",
        description = "The enrolment CA the server signs appliance certificates with (enrolment by one-time code,"
                + " renewal over the link).",
        subcommands = {EnrolmentCaCommand.Import.class})
final class EnrolmentCaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: import");
    }

    /** Where the server's root CA certificate is: the trust anchor an enrolment CA must chain to. */
    static List<X509Certificate> roots(Path serverDir) {
        return Pem.readCertificates(serverDir.resolve("tls/ca.pem"));
    }

    /** Imports the enrolment CA in {@code from} into {@code serverDir} and records it in the audit log. */
    static X509Certificate importAudited(
            Path serverDir, Path from, boolean replace, ServerAuditLog audit, PrintWriter out) {
        X509Certificate certificate =
                EnrolmentCa.importInto(serverDir, from, roots(serverDir), replace, Clock.systemUTC());
        String fingerprint = CertificateFingerprint.of(certificate).colonHex();
        audit.append(ServerAuditEvent.builder(EventType.ENROLMENT_CA_IMPORTED)
                .actor(ServerDir.actor())
                .detail("subject", certificate.getSubjectX500Principal().getName())
                .detail("fingerprint", fingerprint)
                .detail("until", certificate.getNotAfter().toInstant().toString())
                .build());
        out.println("enrolment CA " + certificate.getSubjectX500Principal().getName() + " imported, valid until "
                + certificate.getNotAfter().toInstant());
        out.println("  SHA-256 " + fingerprint + "; key encrypted at rest in " + serverDir.resolve(EnrolmentCa.KEY));
        out.println("  delete " + from.resolve("key.pem") + " now: the server holds the only copy it needs");
        return certificate;
    }

    @Command(
            name = "import",
            description = "Takes the enrolment CA made by 'sc-pki issue enrolment-ca --out DIR' (its key is then kept"
                    + " encrypted at rest); refused when it is not below this server's root CA.")
    static final class Import implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(
                names = "--from",
                required = true,
                paramLabel = "DIR",
                description = "The folder 'sc-pki issue enrolment-ca' wrote (cert.pem, key.pem).")
        Path from;

        @Option(names = "--replace", description = "Replace the enrolment CA the server holds already.")
        boolean replace;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            server.config();
            Path dir = server.dir.toAbsolutePath().normalize();
            try (Database database = server.database()) {
                importAudited(
                        dir,
                        from,
                        replace,
                        server.audit(database),
                        spec.commandLine().getOut());
            }
            return 0;
        }
    }
}
