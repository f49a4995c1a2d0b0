package dev.secureconnect.server.cli;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.AuditKey;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.tokens.TokenKeyFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        description =
                "Creates a server directory: TLS files, the token-signing key, server.yaml and the" + " database.")
final class InitCommand implements Callable<Integer> {

    @Mixin
    ServerDir server;

    @Option(
            names = "--cert",
            required = true,
            paramLabel = "FILE",
            description = "The server certificate (sc-pki issue server … cert.pem).")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Its private key (key.pem).")
    Path key;

    @Option(
            names = "--chain",
            required = true,
            paramLabel = "FILE",
            description = "The issuing CA certificate (chain.pem).")
    Path chain;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "The root CA certificate (ca.pem).")
    Path ca;

    @Option(
            names = "--crl",
            required = true,
            paramLabel = "FILE",
            description = "The issuing CA's CRL (sc-pki's DIR/crl.pem); the server re-reads it whenever it changes.")
    Path crl;

    @Option(
            names = "--appliance-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:8443",
            description = "Where appliances connect (default ${DEFAULT-VALUE}; port 0 picks a free port).")
    String applianceListen;

    @Option(
            names = "--engineer-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:8444",
            description = "Where engineers connect: the JSON API and session streams (default ${DEFAULT-VALUE};"
                    + " port 0 picks a free port).")
    String engineerListen;

    @Option(
            names = "--enrolment-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:8445",
            description = "Where appliances enrol with a one-time code (server-auth TLS; runs only while the server"
                    + " holds an enrolment CA; default ${DEFAULT-VALUE}; port 0 picks a free port).")
    String enrolmentListen;

    @Option(
            names = "--enrolment-ca",
            paramLabel = "DIR",
            description = "Also take the enrolment CA that 'sc-pki issue enrolment-ca --out DIR' wrote (or later:"
                    + " 'sc-server enrolment-ca import').")
    Path enrolmentCa;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path dir = server.dir.toAbsolutePath().normalize();
        if (Files.exists(dir.resolve(ConfigFile.NAME))) {
            throw new CliException(dir + " already holds a server (" + ConfigFile.NAME + "): choose a new directory");
        }
        if (Files.exists(dir) && !isEmpty(dir)) {
            throw new CliException(dir + " is not empty: 'sc-server init' needs a new or empty directory");
        }
        ServerConfig.Listener listener = ServerConfig.Listener.parse(applianceListen);
        ServerConfig.Listener engineerListener = ServerConfig.Listener.parse(engineerListen);
        ServerConfig.Listener enrolmentListener = ServerConfig.Listener.parse(enrolmentListen);
        KeyMaterial keys = KeyMaterial.load(cert, key, chain);
        CertificateIdentity identity = CertificateIdentity.of(keys.certificate());
        if (identity.role() != CertificateRole.SERVER) {
            throw new CliException(cert + " is a " + identity.role().label()
                    + " certificate: the server needs a server certificate ('sc-pki issue server')");
        }
        List<X509Certificate> roots = Pem.readCertificates(ca);
        List<X509Certificate> intermediates = Pem.readCertificates(chain);
        X509CRL revocations = Pem.readCrl(crl);
        List<X509Certificate> path = new ArrayList<>(keys.chain());
        new CertificateChainValidator(roots, intermediates, List.of(revocations)).validate(path, Instant.now());

        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(
                dir.getParent(),
                "." + dir.getFileName() + ".init",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Path tls = Files.createDirectory(staging.resolve("tls"));
            Files.copy(cert, tls.resolve("cert.pem"));
            Files.writeString(tls.resolve("key.pem"), Pem.privateKey(keys.privateKey()), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tls.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
            Files.copy(chain, tls.resolve("chain.pem"));
            Files.copy(ca, tls.resolve("ca.pem"));
            ServerConfig config = new ServerConfig(
                            null,
                            listener,
                            engineerListener,
                            new ServerConfig.Tls(
                                    null,
                                    null,
                                    null,
                                    null,
                                    crl.toAbsolutePath().normalize().toString(),
                                    null,
                                    null),
                            null,
                            null)
                    .withEnrolment(new ServerConfig.Enrolment(null, enrolmentListener, null));
            ConfigFile.write(staging, config);
            TokenKeyFile.generate(staging);
            AuditKey.loadOrCreate(staging);
            try (Database database = Database.open(ServerDaemon.databaseSettings(staging, config.database()))) {
                // opening runs the migrations: the directory is ready to run
                if (enrolmentCa != null) {
                    EnrolmentCaCommand.importAudited(
                            staging,
                            enrolmentCa,
                            false,
                            new ServerAuditLog(database, Clock.systemUTC()),
                            spec.commandLine().getOut());
                }
            }
            moveInto(staging, dir);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging, e);
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("created support server in " + dir + " for " + identity.describe());
        out.println("  appliance listener: " + listener.host() + ":" + listener.port() + "; CRL: "
                + crl.toAbsolutePath().normalize());
        out.println("  engineer listener: " + engineerListener.host() + ":" + engineerListener.port()
                + "; token-signing key: " + TokenKeyFile.in(dir)
                + " (appliances pin its public part: sc-server token-key)");
        out.println("  start it with: sc-server run --dir " + dir);
        return 0;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void moveInto(Path staging, Path target) throws IOException {
        if (!Files.exists(target)) {
            Files.move(staging, target);
            return;
        }
        try (Stream<Path> entries = Files.list(staging)) {
            for (Path entry : entries.toList()) {
                Files.move(entry, target.resolve(entry.getFileName()));
            }
        }
        Files.delete(staging);
    }

    private static void deleteTree(Path root, Exception failure) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
