package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Call Home end to end through the launchers: a real {@code sc-appliance} daemon, SecureConnect left disabled, sends
 * a bundle ({@code callhome send}) that {@code sc-server callhome list} shows; then the server is down while two
 * more are made (spooled), and they arrive in the order they were made once it is back.
 */
class CallHomeIT {

    @TempDir
    Path root;

    ServerUnderTest server;
    ApplianceProcess appliance;

    @AfterEach
    void tearDown() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBundleSentIsListedAndSpooledOnesArriveInOrderWhenTheServerIsBack() throws Exception {
        server = new ServerUnderTest(root);
        appliance = new ApplianceProcess(root, "SN-CALLHOME-1", server.appliancePort(), server.publicTokenKey());
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode)
                json.readTree(appliance.dir.resolve("appliance.json").toFile());
        config.putObject("callHome").put("interval", "2s").put("jitter", "0s");
        json.writerWithDefaultPrettyPrinter()
                .writeValue(appliance.dir.resolve("appliance.json").toFile(), config);
        appliance.start(); // SecureConnect stays disabled: Call Home does not need the link

        assertThat(appliance.admin("callhome preview")).contains("\"format\" : \"secureconnect-callhome-v1\"");
        assertThat(appliance.admin("callhome send")).contains("sent");
        JsonNode listed = list();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("appliance").asText()).isEqualTo(appliance.serial);
        Launcher.Result shown = Launcher.run(
                "sc-server",
                "callhome",
                "show",
                "--dir",
                server.dir.toString(),
                listed.get(0).path("id").asText());
        assertThat(shown.exitCode()).as(shown.describe()).isZero();
        assertThat(shown.out()).contains(appliance.serial).contains("\"healthChecks\"");
        assertThat(server.audit()).anyMatch(r -> r.event().type() == EventType.CALLHOME_RECEIVED);
        assertThat(appliance.admin("audit", "--json")).contains("callhome.sent");

        int port = server.appliancePort();
        server.stop();
        List<String> spooled = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Launcher.Result send = appliance.tryAdmin("callhome send");
            assertThat(send.exitCode()).as(send.describe()).isEqualTo(1);
            assertThat(send.err()).contains("spooled");
            spooled.add(send.err().replaceAll("(?s).*bundle ([0-9a-f-]{36}) is spooled.*", "$1"));
        }
        assertThat(appliance.admin("callhome status")).contains("spool:      2 bundle(s)");

        server.startOnPort(port);
        Eventually.within(Duration.ofSeconds(60), "the spooled bundles arrive", () -> list().size() == 3);
        JsonNode all = list(); // newest first
        List<String> arrived = new ArrayList<>();
        List<Instant> receivedAt = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            arrived.add(all.get(i).path("id").asText());
            receivedAt.add(Instant.parse(all.get(i).path("receivedAt").asText()));
        }
        assertThat(arrived.subList(1, 3)).containsExactlyElementsOf(spooled);
        assertThat(receivedAt).isSorted();
        Eventually.within(Duration.ofSeconds(10), "the appliance's spool is empty", () -> spoolEmpty());
    }

    private boolean spoolEmpty() {
        try {
            return appliance.admin("callhome status").contains("spool:      0 bundle(s)");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode list() {
        try {
            Launcher.Result listed =
                    Launcher.run("sc-server", "callhome", "list", "--dir", server.dir.toString(), "--json");
            assertThat(listed.exitCode()).as(listed.describe()).isZero();
            return new ObjectMapper().readTree(listed.out());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
