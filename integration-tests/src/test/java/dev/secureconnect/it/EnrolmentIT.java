package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.testing.Eventually;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrolment by one-time code through {@code bin/}: {@code sc-server appliances invite} → {@code sc-appliance enrol}
 * (no file handed over but the code) → {@code sc-appliance run} → the link comes up with the certificate the
 * server's enrolment CA signed → an engineer's session stream reaches the appliance's echo service. The same code is
 * refused a second time, and a code pinning another root aborts before anything is sent; nothing is written for
 * either.
 */
class EnrolmentIT {

    private static final String SERIAL = "SN-ENROL-1";

    @TempDir
    Path root;

    ServerUnderTest server;
    LocalServices services;
    ApplianceProcess appliance;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable open : new AutoCloseable[] {appliance, server, services}) {
            if (open != null) {
                open.close();
            }
        }
    }

    @Test
    void invitedApplianceEnrolsLinksAndServesASessionAndItsCodeWorksOnce() throws Exception {
        server = new ServerUnderTest(root);
        server.enableEnrolment();
        services = new LocalServices();
        String enrolmentServer = "localhost:" + server.enrolmentPort();
        Launcher.Result invited = Launcher.run(
                "sc-server", "appliances", "invite", "--dir", server.dir.toString(), "--serial", SERIAL, "--json");
        assertThat(invited.exitCode()).as(invited.describe()).isZero();
        String code = new ObjectMapper().readTree(invited.out()).path("code").asText();

        appliance = ApplianceProcess.enrolled(root, SERIAL, enrolmentServer, code);
        assertThat(appliance.dir.resolve("token-keys.json")).exists();
        appliance.admin("services add", "--name", "echo", "--port", Integer.toString(services.echo.getLocalPort()));
        appliance.start();
        appliance.admin("enable");
        String ticket = server.openTicket("enrolment test", SERIAL);
        appliance.admin("connect", "--ticket", ticket);
        Eventually.within(
                Duration.ofSeconds(15),
                "the server lists the enrolled appliance online with ticket " + ticket,
                () -> server.online(SERIAL, ticket));
        try (FrontDoor door = new FrontDoor(server, SERIAL, ticket, services.echo.getLocalPort())) {
            assertThat(door.echoPing()).as("an engineer's session stream").isEqualTo("ping");
        }

        renewsOverTheLiveLinkWhileAStreamFlows(ticket);

        Path again = root.resolve("again");
        Launcher.Result reused = Launcher.run(
                "sc-appliance",
                "enrol",
                "--dir",
                again.toString(),
                "--server",
                enrolmentServer,
                "--code",
                code,
                "--serial",
                SERIAL);
        assertThat(reused.exitCode()).as(reused.describe()).isEqualTo(1);
        assertThat(reused.err()).contains("was used already").hasLineCount(1);
        assertThat(again).doesNotExist();

        // a code pinning another root: refused by the appliance at the handshake, before the code or request is sent
        String foreign = code.substring(0, code.lastIndexOf('.') + 1) + "A".repeat(43);
        long refusedBefore = refusals();
        Launcher.Result pinned = Launcher.run(
                "sc-appliance",
                "enrol",
                "--dir",
                again.toString(),
                "--server",
                enrolmentServer,
                "--code",
                foreign,
                "--serial",
                SERIAL);
        assertThat(pinned.exitCode()).as(pinned.describe()).isEqualTo(1);
        assertThat(pinned.err()).contains("aborted before anything was sent", "not in the root CA the enrolment code");
        assertThat(again).doesNotExist();
        assertThat(refusals()).as("nothing reached the server").isEqualTo(refusedBefore);

        assertThat(server.audit())
                .filteredOn(r -> r.event().type() == EventType.APPLIANCE_ENROLLED)
                .singleElement()
                .satisfies(r -> assertThat(r.event().applianceSerial()).isEqualTo(SERIAL));
        assertThat(server.audit())
                .filteredOn(r -> r.event().type() == EventType.ENROLMENT_REFUSED)
                .map(ServerAuditRecord::event)
                .anySatisfy(e -> assertThat(e.details().get("reason")).isEqualTo("used"));
        assertThat(Files.readString(server.dir.resolve("run/listeners.json"))).contains("\"enrolment\"");
    }

    /**
     * {@code renewal.when} above 1 (taken at the reload {@code services add} sends): the appliance renews over its live
     * link while an engineer's stream flows, both sides audit {@code certificate.renewed}, the stream carries bytes
     * after it, and once the stream has ended the appliance links again with the renewed certificate (proven:
     * {@code appliance.json} names it) and serves the next session.
     */
    private void renewsOverTheLiveLinkWhileAStreamFlows(String ticket) throws Exception {
        Path certificate = appliance.dir.resolve("tls/cert.pem");
        String oldFingerprint = fingerprint(certificate);
        try (FrontDoor door = new FrontDoor(server, SERIAL, ticket, services.echo.getLocalPort());
                Socket stream = new Socket("127.0.0.1", door.port())) {
            stream.setSoTimeout(20_000);
            assertThat(echo(stream, "before")).isEqualTo("before");
            appliance.renewalWhen(1.5);
            appliance.admin(
                    "services add", "--name", "spare", "--port", Integer.toString(services.sha256.getLocalPort()));
            Eventually.within(
                    Duration.ofSeconds(30),
                    "certificate.renewed on the server and on the appliance",
                    () -> renewedOnServer() != null
                            && read(appliance.dir.resolve("audit.log")).contains("\"certificate.renewed\""));
            assertThat(echo(stream, "after the renewal")).isEqualTo("after the renewal");
        }
        ServerAuditRecord renewed = renewedOnServer();
        assertThat(renewed.event().details()).containsEntry("oldFingerprint", oldFingerprint);
        Eventually.within(
                Duration.ofSeconds(30),
                "the appliance links again with its renewed certificate once the stream has ended",
                () -> configuredCertificate().startsWith("tls/cert-"));
        String switched = configuredCertificate();
        assertThat(fingerprint(appliance.dir.resolve(switched)))
                .isEqualTo(renewed.event().details().get("fingerprint"));
        assertThat(certificate)
                .as("the old certificate is gone once the new one worked")
                .doesNotExist();
        Eventually.within(Duration.ofSeconds(15), "the appliance is online again", () -> server.online(SERIAL, ticket));
        try (FrontDoor door = new FrontDoor(server, SERIAL, ticket, services.echo.getLocalPort())) {
            assertThat(door.echoPing())
                    .as("a session on the renewed certificate's link")
                    .isEqualTo("ping");
        }
    }

    private String configuredCertificate() {
        try {
            return new ObjectMapper()
                    .readTree(appliance.dir.resolve("appliance.json").toFile())
                    .path("files")
                    .path("certificate")
                    .asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ServerAuditRecord renewedOnServer() {
        return server.audit().stream()
                .filter(r -> r.event().type() == EventType.CERTIFICATE_RENEWED)
                .findFirst()
                .orElse(null);
    }

    private static String echo(Socket stream, String text) throws java.io.IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        stream.getOutputStream().write(bytes);
        stream.getOutputStream().flush();
        return new String(stream.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
    }

    private static String fingerprint(Path certificate) {
        return CertificateFingerprint.of(Pem.readCertificate(certificate)).colonHex();
    }

    private long refusals() {
        return server.audit().stream()
                .filter(r -> r.event().type() == EventType.ENROLMENT_REFUSED)
                .count();
    }
}
