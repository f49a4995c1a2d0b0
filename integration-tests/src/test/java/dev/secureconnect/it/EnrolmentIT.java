package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.testing.Eventually;
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

    private long refusals() {
        return server.audit().stream()
                .filter(r -> r.event().type() == EventType.ENROLMENT_REFUSED)
                .count();
    }
}
