package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sc-server token-key rotate} with two real {@code sc-appliance} daemons that pinned the first key: one linked
 * during the rotation, which gets the new set over its link at once, and one stopped, which gets it when it links again.
 * A token signed by the previous key keeps working until it expires; a token of the new key works on both.
 */
class TokenKeyRotationIT {

    @TempDir
    Path root;

    ServerUnderTest server;
    LocalServices services;
    ApplianceProcess linked;
    ApplianceProcess stopped;
    String linkedTicket;
    String stoppedTicket;

    @BeforeEach
    void setUp() throws Exception {
        server = new ServerUnderTest(root);
        services = new LocalServices();
        Path tokenKey = root.resolve("token-key.json");
        Launcher.Result exported =
                Launcher.run("sc-server", "token-key", "--dir", server.dir.toString(), "--out", tokenKey.toString());
        assertThat(exported.exitCode()).as(exported.describe()).isZero();
        linked = new ApplianceProcess(root, "SN-ROT-1", server.appliancePort(), tokenKey);
        stopped = new ApplianceProcess(root, "SN-ROT-2", server.appliancePort(), tokenKey);
        linkedTicket = link(linked);
        stoppedTicket = link(stopped);
    }

    private String link(ApplianceProcess appliance) throws Exception {
        appliance.admin("services add", "--name", "echo", "--port", Integer.toString(services.echo.getLocalPort()));
        appliance.start();
        appliance.admin("enable");
        String ticket = server.openTicket("rotation test", appliance.serial);
        appliance.admin("connect", "--ticket", ticket);
        Eventually.within(
                Duration.ofSeconds(10),
                "the server lists " + appliance.serial + " online with ticket " + ticket,
                () -> server.online(appliance.serial, ticket));
        return ticket;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable open : new AutoCloseable[] {linked, stopped, server, services}) {
            if (open != null) {
                open.close();
            }
        }
    }

    @Test
    void rotationReachesALinkedApplianceAtOnceAndAStoppedOneWhenItLinksAgain() throws Exception {
        echo(linked.serial, linkedTicket, Duration.ofHours(1)); // the first key works
        stopped.stop();
        Eventually.within(Duration.ofSeconds(10), stopped.serial + " offline", () -> server.offline(stopped.serial));
        // a short-lived token of the first key, issued before the rotation
        try (FrontDoor old = new FrontDoor(
                server, linked.serial, linkedTicket, services.echo.getLocalPort(), Duration.ofSeconds(5))) {

            Launcher.Result rotated = Launcher.run("sc-server", "token-key", "rotate", "--dir", server.dir.toString());
            assertThat(rotated.exitCode()).as(rotated.describe()).isZero();
            assertThat(rotated.out()).contains("token key rotated");

            Eventually.within(
                    Duration.ofSeconds(15),
                    "the linked appliance reports the new set installed",
                    () -> installedOnServer(linked.serial));
            assertThat(linked.admin("audit", "--json")).contains("token-key.installed");
            assertThat(old.echoPing())
                    .as("the previous key's token, before it expires")
                    .isEqualTo("ping");
            assertThat(echo(linked.serial, linkedTicket, Duration.ofHours(1)))
                    .as("a token of the new key on the linked appliance")
                    .isEqualTo("ping");

            // the previous key's token stops working once it has expired (plus the verifiers' clock skew)
            Eventually.within(
                    Duration.ofSeconds(90), "the previous key's token is refused once expired", () -> old.echoPing()
                            .isEmpty());
            assertThat(old.nextRefusal()).hasMessageContaining("expired");
        }

        assertThat(installedOnServer(stopped.serial)).isFalse();
        stopped.start();
        Eventually.within(
                Duration.ofSeconds(30),
                "the stopped appliance links again and installs the new set",
                () -> server.online(stopped.serial, stoppedTicket) && installedOnServer(stopped.serial));
        assertThat(stopped.admin("audit", "--json")).contains("token-key.installed");
        assertThat(echo(stopped.serial, stoppedTicket, Duration.ofHours(1)))
                .as("a token of the new key on the appliance that was stopped")
                .isEqualTo("ping");
        assertThat(server.audit().stream().filter(r -> r.event().type() == EventType.TOKEN_KEY_ROTATED))
                .singleElement()
                .satisfies(r -> assertThat(r.event().actor()).startsWith("operator:"));
        assertThat(server.audit().stream().anyMatch(r -> r.event().type() == EventType.TOKEN_KEY_REFUSED))
                .isFalse();
    }

    private boolean installedOnServer(String serial) {
        return server.audit().stream()
                .anyMatch(r -> r.event().type() == EventType.TOKEN_KEY_INSTALLED
                        && serial.equals(r.event().applianceSerial()));
    }

    /** "ping" through the echo service of an appliance, with a token issued now. */
    private String echo(String serial, String ticket, Duration lifetime) throws Exception {
        try (FrontDoor door = new FrontDoor(server, serial, ticket, services.echo.getLocalPort(), lifetime)) {
            return door.echoPing();
        }
    }
}
