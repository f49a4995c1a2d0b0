package dev.secureconnect.server.cli;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.totp.TotpQrCode;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.engineers.Engineer;
import dev.secureconnect.server.engineers.EngineerException;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.Enrolment;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "engineers",
        description = "Enrols support engineers (certificate + TOTP) and disables, enables or" + " re-enrols them.",
        subcommands = {
            EngineersCommand.Add.class,
            EngineersCommand.ListEngineers.class,
            EngineersCommand.Disable.class,
            EngineersCommand.Enable.class,
            EngineersCommand.ResetTotp.class,
            EngineersCommand.UpdateCert.class,
            EngineersCommand.Remove.class
        })
final class EngineersCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "say what to do: add, list, disable, enable, reset-totp, update-cert or remove");
    }

    /** Runs {@code work} on the server's engineer store; refusals of the store become one-line CLI errors. */
    static <T> T withStore(ServerDir server, Function<EngineerStore, T> work) {
        try (Database database = server.database()) {
            Path dir = server.dir.toAbsolutePath().normalize();
            EngineerStore store = new EngineerStore(
                    database,
                    server.audit(database),
                    Clock.systemUTC(),
                    TotpSecretKey.in(dir),
                    EngineerSettings.defaults());
            return work.apply(store);
        } catch (EngineerException e) {
            throw new CliException(String.valueOf(e.getMessage()), e);
        }
    }

    @Command(
            name = "add",
            description = "Enrols the engineer named by a certificate and prints their TOTP enrolment"
                    + " (an otpauth:// URI, shown only this once).")
    static final class Add implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(
                names = "--login",
                required = true,
                paramLabel = "LOGIN",
                description = "The engineer's login: the one in the certificate.")
        String login;

        @Option(
                names = "--cert",
                required = true,
                paramLabel = "FILE",
                description = "The engineer's certificate (PEM), issued by the server's CA.")
        Path certificate;

        @Option(
                names = "--qr",
                paramLabel = "FILE.png",
                description = "Also write the enrolment as a QR code (a new" + " file, mode 0600).")
        Path qr;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            checkNewFile(qr);
            X509Certificate engineer = Pem.readCertificate(certificate);
            checkIssuedByTheServersCa(server, certificate, engineer);
            Enrolment enrolment = withStore(server, store -> store.add(login, engineer, ServerDir.actor()));
            Engineer enrolled = enrolment.engineer();
            PrintWriter out = spec.commandLine().getOut();
            out.println("enrolled engineer " + enrolled.login() + ": " + enrolled.fullName() + " <" + enrolled.email()
                    + ">, certificate " + enrolled.certificate());
            showOnce(out, enrolment, qr, server);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the enrolled engineers (never their TOTP secrets).")
    static final class ListEngineers implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<Engineer> engineers = withStore(server, EngineerStore::list);
            Instant now = Instant.now();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(
                        out,
                        Mappers.json(),
                        engineers.stream().map(engineer -> row(engineer, now)).toList());
                return 0;
            }
            TextTable table = new TextTable("LOGIN", "STATUS", "LOCKED UNTIL", "NAME", "E-MAIL", "CERTIFICATE SHA-256");
            for (Engineer engineer : engineers) {
                table.row(
                        engineer.login(),
                        engineer.status().code(),
                        engineer.isLockedAt(now)
                                ? requireNonNull(engineer.lockedUntil(), "locked")
                                        .toString()
                                : "-",
                        engineer.fullName(),
                        engineer.email(),
                        engineer.certificate().colonHex());
            }
            table.print(out);
            return 0;
        }
    }

    /** {@code disable} and {@code enable}: one login, one change, one line of output. */
    abstract static class Switch implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "LOGIN", description = "The engineer's login.")
        String login;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract Engineer change(EngineerStore store, String actor);

        abstract String done();

        @Override
        public Integer call() {
            Engineer engineer = withStore(server, store -> change(store, ServerDir.actor()));
            spec.commandLine().getOut().println(done() + " engineer " + engineer.login());
            return 0;
        }
    }

    @Command(name = "disable", description = "Disables an engineer: their logins are refused until enabled again.")
    static final class Disable extends Switch {
        @Override
        Engineer change(EngineerStore store, String actor) {
            return store.disable(login, actor);
        }

        @Override
        String done() {
            return "disabled";
        }
    }

    @Command(name = "enable", description = "Enables a disabled engineer, or lifts an engineer's lockout.")
    static final class Enable extends Switch {
        @Override
        Engineer change(EngineerStore store, String actor) {
            return store.enable(login, actor);
        }

        @Override
        String done() {
            return "enabled";
        }
    }

    @Command(
            name = "reset-totp",
            description = "Gives an engineer a new TOTP secret (the old one stops working) and"
                    + " prints the new enrolment, shown only this once.")
    static final class ResetTotp implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "LOGIN", description = "The engineer's login.")
        String login;

        @Option(
                names = "--qr",
                paramLabel = "FILE.png",
                description = "Also write the enrolment as a QR code (a new" + " file, mode 0600).")
        Path qr;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            checkNewFile(qr);
            Enrolment enrolment = withStore(server, store -> store.resetTotp(login, ServerDir.actor()));
            PrintWriter out = spec.commandLine().getOut();
            out.println("new TOTP secret for engineer " + enrolment.engineer().login()
                    + "; the previous one no longer works");
            showOnce(out, enrolment, qr, server);
            return 0;
        }
    }

    @Command(
            name = "update-cert",
            description = "Binds an engineer to a new (renewed) certificate: from now on only it logs in. The TOTP"
                    + " secret is kept.")
    static final class UpdateCert implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--login", required = true, paramLabel = "LOGIN", description = "The engineer's login.")
        String login;

        @Option(
                names = "--cert",
                required = true,
                paramLabel = "FILE",
                description = "The engineer's new certificate (PEM), issued by the server's CA for the same login.")
        Path certificate;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            X509Certificate engineer = Pem.readCertificate(certificate);
            checkIssuedByTheServersCa(server, certificate, engineer);
            Engineer updated = withStore(server, store -> store.updateCertificate(login, engineer, ServerDir.actor()));
            spec.commandLine()
                    .getOut()
                    .println("engineer " + updated.login() + " now logs in with certificate " + updated.certificate()
                            + "; the TOTP secret is unchanged");
            return 0;
        }
    }

    @Command(
            name = "remove",
            description = "Removes an engineer: their certificate binding and TOTP secret are deleted and their login"
                    + " sessions and open streams end (within about a second on a running server).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--login", required = true, paramLabel = "LOGIN", description = "The engineer's login.")
        String login;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Engineer removed = withStore(server, store -> store.remove(login, ServerDir.actor()));
            spec.commandLine()
                    .getOut()
                    .println("removed engineer " + removed.login() + " (certificate " + removed.certificate()
                            + "); 'engineers add' enrols them again with a new TOTP secret");
            return 0;
        }
    }

    /** The chain, validity and revocation check the engineer listener makes, done now to fail early. */
    static void checkIssuedByTheServersCa(ServerDir server, Path file, X509Certificate engineer) {
        ServerConfig.Tls tls = server.config().tls();
        Path dir = server.dir.toAbsolutePath().normalize();
        CertificateChainValidator validator = new CertificateChainValidator(
                Pem.readCertificates(dir.resolve(tls.ca())),
                Pem.readCertificates(dir.resolve(tls.chain())),
                List.of(Pem.readCrl(dir.resolve(tls.crl()))));
        try {
            validator.validate(List.of(engineer), Instant.now());
        } catch (CryptoException e) {
            throw new CliException("certificate " + file + " is refused: " + e.getMessage(), e);
        }
    }

    /** Prints the enrolment URI with its warning, and writes the QR code if asked. */
    static void showOnce(PrintWriter out, Enrolment enrolment, Path qr, ServerDir server) {
        String login = enrolment.engineer().login();
        out.println("warning: the otpauth URI below holds " + login + "'s TOTP secret and is not shown again:"
                + " give it to " + login + " alone, over a safe channel, and do not keep a copy");
        out.println(enrolment.uri().uri());
        out.flush();
        if (qr != null) {
            try {
                TotpQrCode.write(enrolment.uri(), qr);
            } catch (CryptoException e) {
                throw new CliException(
                        e.getMessage() + " (the engineer is enrolled: 'sc-server engineers reset-totp" + " --dir "
                                + server.dir + " " + login + " --qr FILE.png' makes a new one)",
                        e);
            }
            out.println("QR code written to " + qr + " (mode 0600): it holds the secret too; delete it once " + login
                    + " has scanned it");
        }
    }

    /** Refuses, before anything changes, a QR file that exists already or whose directory does not. */
    static void checkNewFile(Path file) {
        if (file == null) {
            return;
        }
        if (Files.exists(file)) {
            throw new CliException(file + " already exists: choose a new file for the QR code");
        }
        Path directory = file.toAbsolutePath().getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            throw new CliException("cannot create " + file + ": directory " + directory + " does not exist");
        }
    }

    static Map<String, Object> row(Engineer engineer, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("login", engineer.login());
        row.put("name", engineer.fullName());
        row.put("email", engineer.email());
        row.put("status", engineer.status().code());
        row.put(
                "lockedUntil",
                engineer.isLockedAt(now)
                        ? requireNonNull(engineer.lockedUntil(), "locked").toString()
                        : null);
        row.put("failedAttempts", engineer.failedAttempts());
        row.put("certificateSha256", engineer.certificate().colonHex());
        row.put("createdAt", engineer.createdAt().toString());
        row.put("updatedAt", engineer.updatedAt().toString());
        return row;
    }
}
