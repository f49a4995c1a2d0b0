package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.totp.TotpSecret;
import dev.secureconnect.crypto.totp.TotpVerifier;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ScServer;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A support server for engineer-listener tests: made with {@code sc-server init} (both listeners on 127.0.0.1:0),
 * engineers alice and bob enrolled, running in-process with a clock the test moves (TOTP steps, token expiry).
 */
final class RunningServer implements AutoCloseable {

    static final String SERIAL = "SN-ENG-1";

    final TestPki pki = TestPki.shared();
    final TestPki.Issued alice = pki.engineer("alice");
    final TestPki.Issued bob = pki.engineer("bob");
    final TestPki.Issued carol = pki.engineer("carol");
    final TestPki.Issued appliance = pki.appliance(SERIAL);
    final MutableClock clock = new MutableClock(Instant.now());
    final Path dir;
    final Path files;
    final TotpSecret aliceSecret;
    final TotpSecret bobSecret;
    final ServerDaemon daemon;

    RunningServer(Path temp) throws Exception {
        this(temp, java.util.function.UnaryOperator.identity());
    }

    /** @param configure changes the configuration {@code sc-server init} wrote before the server starts */
    RunningServer(Path temp, java.util.function.UnaryOperator<dev.secureconnect.server.config.ServerConfig> configure)
            throws Exception {
        this(temp, configure, serverDir -> {});
    }

    /** @param prepare what to do in the server directory after {@code sc-server init}, before the server starts */
    RunningServer(
            Path temp,
            java.util.function.UnaryOperator<dev.secureconnect.server.config.ServerConfig> configure,
            PreStart prepare)
            throws Exception {
        files = Files.createDirectories(temp.resolve("files"));
        TestPki.Issued server = pki.server();
        Files.writeString(files.resolve("cert.pem"), Pem.certificates(List.of(server.certificate())));
        Files.writeString(files.resolve("key.pem"), Pem.privateKey(server.privateKey()));
        Files.writeString(files.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        Files.writeString(files.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Files.writeString(files.resolve("crl.pem"), Pem.crl(pki.revocationList()));
        dir = temp.resolve("server");
        String[] init = {
            "init",
            "--dir",
            dir.toString(),
            "--cert",
            file("cert.pem"),
            "--key",
            file("key.pem"),
            "--chain",
            file("chain.pem"),
            "--ca",
            file("ca.pem"),
            "--crl",
            file("crl.pem"),
            "--appliance-listen",
            "127.0.0.1:0",
            "--engineer-listen",
            "127.0.0.1:0"
        };
        assertThat(sc(init)).isZero();
        try (Database database = Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()))) {
            EngineerStore engineers = new EngineerStore(
                    database,
                    new ServerAuditLog(database, clock),
                    clock,
                    TotpSecretKey.in(dir),
                    EngineerSettings.defaults());
            aliceSecret = engineers.add("alice", alice.certificate(), "test").secret();
            bobSecret = engineers.add("bob", bob.certificate(), "test").secret();
            // carol's certificate is trusted by the CA but she is not enrolled
        }
        ConfigFile.write(dir, configure.apply(ConfigFile.read(dir)));
        prepare.in(dir);
        daemon = ServerDaemon.start(dir, ConfigFile.read(dir), clock);
    }

    /** Work in the server directory before the server starts. */
    interface PreStart {
        void in(Path serverDir) throws Exception;
    }

    /** Gives the server directory the test PKI's enrolment CA, as {@code sc-server enrolment-ca import} does. */
    static void importEnrolmentCa(Path serverDir) throws Exception {
        TestPki pki = TestPki.shared();
        Path from = Files.createDirectories(serverDir.resolveSibling("enrolment-ca"));
        Files.writeString(
                from.resolve("cert.pem"),
                Pem.certificates(List.of(pki.enrolmentCa().certificate())));
        Files.writeString(
                from.resolve("key.pem"),
                Pem.privateKey(TestPki.keyPair("enrolment-ca").getPrivate()));
        dev.secureconnect.server.enrolment.EnrolmentCa.importInto(
                serverDir, from, List.of(pki.rootCertificate()), false, java.time.Clock.systemUTC());
    }

    String file(String name) {
        return files.resolve(name).toString();
    }

    static int sc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScServer.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(err.toString())
                .as("stderr of sc-server %s", String.join(" ", args))
                .isEmpty();
        return code;
    }

    /** The current TOTP code of {@code secret}, after moving the clock on by one step (each code is used once). */
    String nextCode(TotpSecret secret) {
        clock.advance(TotpVerifier.TIME_STEP);
        return TotpVerifier.code(secret, TotpVerifier.stepAt(clock.instant()));
    }

    String openTicket() {
        return daemon.tickets().open("engineer test", SERIAL, "test").number().value();
    }

    /** Connects the fake appliance with {@code tickets} and waits until the server accepted them on its link. */
    FakeAppliance connectAppliance(String... tickets) throws Exception {
        FakeAppliance fake = new FakeAppliance(appliance, SERIAL, daemon.applianceAddress(), List.of(tickets));
        waitFor("tickets accepted on the link", () -> daemon.links()
                .acceptedTickets(SERIAL)
                .map(accepted -> accepted.containsAll(List.of(tickets)))
                .orElse(false));
        return fake;
    }

    /** The first audit record of {@code type} matching {@code filter}, waiting for it (appends are asynchronous). */
    ServerAuditRecord awaitAudit(EventType type, Predicate<ServerAuditRecord> filter) throws InterruptedException {
        ServerAuditRecord[] found = new ServerAuditRecord[1];
        waitFor("audit record " + type.eventName(), () -> {
            Optional<ServerAuditRecord> record = daemon.audit().list(0, ServerAuditLog.MAX_LIST_LIMIT).stream()
                    .filter(r -> r.event().type() == type)
                    .filter(filter)
                    .findFirst();
            record.ifPresent(r -> found[0] = r);
            return record.isPresent();
        });
        return found[0];
    }

    List<ServerAuditRecord> audit(EventType type) {
        return daemon.audit().list(0, ServerAuditLog.MAX_LIST_LIMIT).stream()
                .filter(r -> r.event().type() == type)
                .toList();
    }

    /** Waits up to 20 s for {@code condition}. */
    static void waitFor(String what, java.util.function.BooleanSupplier condition) {
        Eventually.within(Duration.ofSeconds(20), what, condition);
    }

    @Override
    public void close() {
        daemon.close();
    }
}
