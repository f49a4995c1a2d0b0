package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ScServer;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.tokens.TokenKeyFile;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A support server in this JVM on 127.0.0.1:0, set up with {@code sc-server init} from test certificates. */
final class ServerUnderTest implements AutoCloseable {

    private static final AtomicInteger ENGINEERS = new AtomicInteger();

    final Path dir;
    final Path crl;
    ServerDaemon daemon;

    ServerUnderTest(Path root) throws InterruptedException {
        Path files = PkiFiles.write(
                        root.resolve("server-files"), TestPki.shared().server())
                .dir();
        crl = PkiFiles.writeCrl(files.resolve("crl.pem"));
        dir = root.resolve("server");
        StringWriter err = new StringWriter();
        int code = ScServer.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "init",
                "--dir",
                dir.toString(),
                "--cert",
                files.resolve("cert.pem").toString(),
                "--key",
                files.resolve("key.pem").toString(),
                "--chain",
                files.resolve("chain.pem").toString(),
                "--ca",
                files.resolve("ca.pem").toString(),
                "--crl",
                crl.toString(),
                "--appliance-listen",
                "127.0.0.1:0",
                "--engineer-listen",
                "127.0.0.1:0");
        assertThat(code).as(err.toString()).isZero();
        start();
    }

    void start() throws InterruptedException {
        daemon = ServerDaemon.start(dir, ConfigFile.read(dir), Clock.systemUTC());
    }

    /** Stops the server and starts it again on the port it had, as a restarted daemon would be. */
    void restartOnSamePort() throws InterruptedException {
        int port = appliancePort();
        stop();
        startOnPort(port);
    }

    /** Starts the stopped server with its appliance listener on {@code port}. */
    void startOnPort(int port) throws InterruptedException {
        ServerConfig config = ConfigFile.read(dir);
        daemon = ServerDaemon.start(
                dir,
                new ServerConfig(
                        config.node(),
                        new ServerConfig.Listener("127.0.0.1", port),
                        config.engineerListener(),
                        config.tls(),
                        config.database(),
                        config.link()),
                Clock.systemUTC());
    }

    /**
     * Gives the stopped-and-restarted server the test PKI's enrolment CA ({@code sc-server enrolment-ca import}) and
     * its enrolment listener on 127.0.0.1:0, as an operator who enables enrolment by code does.
     */
    void enableEnrolment() throws IOException, InterruptedException {
        stop();
        TestPki pki = TestPki.shared();
        Path from = Files.createDirectories(dir.resolveSibling("enrolment-ca"));
        Files.writeString(
                from.resolve("cert.pem"),
                dev.secureconnect.crypto.pem.Pem.certificates(
                        List.of(pki.enrolmentCa().certificate())));
        Files.writeString(
                from.resolve("key.pem"),
                dev.secureconnect.crypto.pem.Pem.privateKey(
                        TestPki.keyPair("enrolment-ca").getPrivate()));
        StringWriter err = new StringWriter();
        int code = ScServer.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "enrolment-ca",
                "import",
                "--dir",
                dir.toString(),
                "--from",
                from.toString());
        assertThat(code).as(err.toString()).isZero();
        ConfigFile.write(
                dir,
                ConfigFile.read(dir)
                        .withEnrolment(
                                new ServerConfig.Enrolment(null, new ServerConfig.Listener("127.0.0.1", 0), null)));
        start();
    }

    /**
     * Restarts the server with {@code address} exempt from source blocks ({@code limits.blocking.exempt}), for a
     * world many tests share: their refusals (bad codes, refused tokens), each counted towards blocking the source,
     * add up past the threshold across tests that each had a server of their own before.
     */
    void exemptFromBlocks(String address) throws IOException, InterruptedException {
        stop();
        Path file = dir.resolve(ConfigFile.NAME);
        String yaml = Files.readString(file);
        assertThat(yaml).containsPattern("(?m)^\\s+exempt: \\[\\]$");
        Files.writeString(file, yaml.replaceFirst("(?m)^(\\s+exempt: )\\[\\]$", "$1[" + address + "]"));
        start();
    }

    /** The enrolment listener's port ({@link #enableEnrolment}). */
    int enrolmentPort() {
        return daemon.enrolmentAddress().orElseThrow().getPort();
    }

    /** The public token key set ({@code sc-server token-key}) in a file, for appliances to pin. */
    Path publicTokenKey() {
        Path file = dir.resolveSibling("token-key.json");
        try {
            return Files.writeString(file, TokenKeyFile.load(dir).publicJwkSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An engineer certificate, enrolled here ({@code sc-server engineers add}) and enabled. */
    TestPki.Issued enrolledEngineer() {
        TestPki.Issued engineer = TestPki.shared().engineer("it-" + ENGINEERS.incrementAndGet());
        Path files = PkiFiles.write(
                        dir.resolveSibling(
                                engineer.certificate().getSerialNumber().toString(16)),
                        engineer)
                .dir();
        StringWriter err = new StringWriter();
        int code = ScServer.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "engineers",
                "add",
                "--dir",
                dir.toString(),
                "--login",
                "it-" + ENGINEERS.get(),
                "--cert",
                files.resolve("cert.pem").toString());
        assertThat(code).as(err.toString()).isZero();
        return engineer;
    }

    /** A token for {@code engineer}, signed with this server's token key and recorded as issued. */
    SignedAccessToken issueToken(TestPki.Issued engineer, String serial, String ticket) {
        return issueToken(engineer, serial, ticket, Duration.ofHours(1));
    }

    /** A token for {@code engineer} that lives {@code lifetime}, signed with the current token key and recorded. */
    SignedAccessToken issueToken(TestPki.Issued engineer, String serial, String ticket, Duration lifetime) {
        SignedAccessToken token = new AccessTokenIssuer(
                        TokenKeyFile.load(dir), ConfigFile.read(dir).node(), Clock.systemUTC())
                .issue(engineer.certificate(), serial, ticket, lifetime, "integration test");
        daemon.tokens().recordIssued(token.claims(), "it");
        return token;
    }

    boolean online(String serial, String ticket) {
        return daemon.appliances()
                .find(serial)
                .filter(status -> status.online()
                        && status.tickets().stream().anyMatch(t -> t.value().equals(ticket)))
                .isPresent();
    }

    boolean offline(String serial) {
        return daemon.appliances().find(serial).map(status -> !status.online()).orElse(true);
    }

    void stop() {
        daemon.close();
    }

    int engineerPort() {
        return daemon.engineerAddress().getPort();
    }

    int appliancePort() {
        return daemon.applianceAddress().getPort();
    }

    String openTicket(String title, String appliance) {
        return daemon.tickets().open(title, appliance, "it").number().value();
    }

    List<ServerAuditRecord> audit() {
        return daemon.audit().list(0, 10_000);
    }

    @Override
    public void close() {
        daemon.close();
    }
}
