package dev.secureconnect.pki;

import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.pki.ca.CaDirectory;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "issue",
        description = "Issues a certificate with a new key pair.",
        subcommands = {
            IssueCommand.Server.class,
            IssueCommand.Appliance.class,
            IssueCommand.Engineer.class,
            IssueCommand.ApiClient.class,
            IssueCommand.EnrolmentCa.class
        })
final class IssueCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to issue: " + LeafRole.CHOICES);
    }

    /** The options every {@code issue} subcommand shares. */
    static final class LeafOptions {
        @Mixin
        CaOptions ca;

        @Option(
                names = "--key-size",
                paramLabel = "BITS",
                defaultValue = "2048",
                description = "RSA key size: 2048, 3072 or 4096 (default ${DEFAULT-VALUE}).")
        int keySize;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "OUT",
                description = "Folder to write cert.pem, chain.pem, ca.pem and key.pem into (created if absent).")
        Path out;
    }

    /** Shared flow: check, unlock, generate, issue, write. */
    abstract static class Leaf implements Callable<Integer> {
        final Terminal terminal;

        @Mixin
        LeafOptions options;

        Leaf(Terminal terminal) {
            this.terminal = terminal;
        }

        abstract CertificateIdentity identity();

        abstract int days();

        boolean renew() {
            return false;
        }

        /** The password of identity.p12, or null when no bundle is written. */
        char @Nullable [] p12Password() {
            return null;
        }

        @Override
        public Integer call() {
            RsaKeySize size = RsaKeySize.of(options.keySize);
            Days.requirePositive(days(), "--days");
            CertificateIdentity identity = identity();
            CaDirectory directory = options.ca.open(terminal);
            try (CaDirectory.Lock lock = directory.lock()) {
                CertificateAuthority authority = options.ca.unlock(terminal, directory);
                Issuance issuance = new Issuance(terminal, directory, authority);
                issuance.requireNoValidAppliance(identity, renew());
                char[] p12 = p12Password();
                try {
                    List<String> files =
                            new ArrayList<>(List.of(Issuance.CERT, Issuance.CHAIN, Issuance.CA, Issuance.KEY));
                    if (p12 != null) {
                        files.add(Issuance.P12);
                    }
                    Issuance.prepareOutput(options.out, files);
                    KeyPair keys = RsaKeyPairs.generate(size);
                    issuance.issue(identity, keys.getPublic(), keys.getPrivate(), days(), "issue", options.out, p12);
                } finally {
                    if (p12 != null) {
                        Arrays.fill(p12, '\0');
                    }
                }
            }
            return 0;
        }
    }

    @Command(
            name = "server",
            description = "Issues a server certificate (EKU serverAuth, SAN DNS names and IP addresses).")
    static final class Server extends Leaf {
        @Option(names = "--dns", paramLabel = "NAME", description = "A DNS name of the server (repeatable).")
        List<String> dnsNames = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDR", description = "An IP address of the server (repeatable).")
        List<String> ipAddresses = new ArrayList<>();

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "397",
                description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        Server(Terminal terminal) {
            super(terminal);
        }

        @Override
        CertificateIdentity identity() {
            return CertificateIdentity.server(dnsNames, ipAddresses);
        }

        @Override
        int days() {
            return days;
        }
    }

    @Command(
            name = "appliance",
            description = "Issues an appliance certificate (EKU clientAuth, SAN urn:secureconnect:appliance:SERIAL).")
    static final class Appliance extends Leaf {
        @Option(
                names = "--serial",
                required = true,
                paramLabel = "SERIAL",
                description = "The appliance's serial number.")
        String serial;

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "1095",
                description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--renew", description = "Issue even though the appliance already has a valid certificate.")
        boolean renew;

        Appliance(Terminal terminal) {
            super(terminal);
        }

        @Override
        CertificateIdentity identity() {
            return CertificateIdentity.appliance(serial);
        }

        @Override
        int days() {
            return days;
        }

        @Override
        boolean renew() {
            return renew;
        }
    }

    @Command(
            name = "engineer",
            description =
                    "Issues a support engineer's certificate (EKU clientAuth, SAN urn:secureconnect:engineer:LOGIN and e-mail) and identity.p12.")
    static final class Engineer extends Leaf {
        static final String P12_ENV = "SC_PKI_P12_PASSPHRASE";

        @Option(names = "--login", required = true, paramLabel = "LOGIN", description = "The engineer's login.")
        String login;

        @Option(names = "--name", required = true, paramLabel = "FULL NAME", description = "The engineer's full name.")
        String fullName;

        @Option(names = "--email", required = true, paramLabel = "ADDR", description = "The engineer's e-mail address.")
        String email;

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "365",
                description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        @Option(
                names = "--p12-passphrase-file",
                paramLabel = "FILE",
                description = "File whose first line is the password of identity.p12 (else env " + P12_ENV
                        + ", else a prompt).")
        Path p12PassphraseFile;

        Engineer(Terminal terminal) {
            super(terminal);
        }

        @Override
        CertificateIdentity identity() {
            return CertificateIdentity.engineer(login, fullName, email);
        }

        @Override
        int days() {
            return days;
        }

        @Override
        char @Nullable [] p12Password() {
            return terminal.secret(
                    "identity.p12 password", p12PassphraseFile, "--p12-passphrase-file", P12_ENV, true, 8);
        }
    }

    @Command(
            name = "api-client",
            description = "Issues an API client's certificate, e.g. for a SIEM connector"
                    + " (EKU clientAuth, SAN urn:secureconnect:api-client:NAME).")
    static final class ApiClient extends Leaf {
        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "The client's name, e.g. splunk-prod (1 to 64 of A-Z a-z 0-9 . _ -).")
        String name;

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "365",
                description = "Validity in days (default ${DEFAULT-VALUE}).")
        int days;

        ApiClient(Terminal terminal) {
            super(terminal);
        }

        @Override
        CertificateIdentity identity() {
            return CertificateIdentity.apiClient(name);
        }

        @Override
        int days() {
            return days;
        }
    }

    @Command(
            name = "enrolment-ca",
            description = "Issues the enrolment CA a support server holds online to sign appliance certificates at"
                    + " enrolment and renewal: signed by the root (its key must be in the CA directory), path"
                    + " length 0, name-constrained to appliance subjects, EKU clientAuth only.")
    static final class EnrolmentCa implements Callable<Integer> {
        private final Terminal terminal;

        @Mixin
        LeafOptions options;

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "1825",
                description = "Validity in days (default ${DEFAULT-VALUE}; at most the root's remaining validity).")
        int days;

        EnrolmentCa(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            RsaKeySize size = RsaKeySize.of(options.keySize);
            Days.requirePositive(days, "--days");
            CaDirectory directory = options.ca.open(terminal);
            try (CaDirectory.Lock lock = directory.lock()) {
                char[] passphrase = options.ca.passphrase(terminal, false);
                CertificateAuthority root;
                CertificateAuthority issuing;
                try {
                    root = directory.unlockRoot(passphrase);
                    issuing = directory.unlock(passphrase);
                } finally {
                    Arrays.fill(passphrase, '\0');
                }
                Issuance.prepareOutput(options.out, List.of(Issuance.CERT, Issuance.CHAIN, Issuance.CA, Issuance.KEY));
                KeyPair keys = RsaKeyPairs.generate(size);
                new Issuance(terminal, directory, issuing)
                        .issueBy(
                                root,
                                root.enrolmentCaIdentity(),
                                keys.getPublic(),
                                keys.getPrivate(),
                                days,
                                "issue",
                                options.out,
                                null);
                terminal.out()
                        .println("  give it to the support server: sc-server enrolment-ca import --dir SRV --from "
                                + options.out + " (then delete " + Issuance.KEY + " here)");
            }
            return 0;
        }
    }
}
