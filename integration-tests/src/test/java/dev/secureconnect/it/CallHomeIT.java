package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.testing.Eventually;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Call Home end to end through the launchers: a real {@code sc-appliance} daemon, SecureConnect left disabled, whose
 * health check fails, sends a bundle ({@code callhome send}) that {@code sc-server callhome list} shows; the alert rule
 * of {@code rules.yaml} opens a case ({@code sc-server cases list|show}) with its access scope, mailed to the
 * appliance's contact and the support queue (GreenMail); then the server is down while two more are made (spooled),
 * they arrive in the order they were made once it is back, and the failing check that persists opens no second case.
 */
class CallHomeIT {

    @RegisterExtension
    static final GreenMailExtension SMTP =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    private static final String RULES = """
            rules:
              - name: raid
                title: "Health check {subject} failing: {value}"
                severity: critical
                when: {healthCheckFailing: raid}
                scope: {commands: [raid-status], folders: [/var/log], duration: PT2H}
            """;

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
        ServerConfig started = ConfigFile.read(server.dir);
        ConfigFile.write(
                server.dir,
                new ServerConfig(
                        started.node(),
                        new ServerConfig.Listener("127.0.0.1", server.appliancePort()),
                        started.engineerListener(),
                        started.tls(),
                        started.database(),
                        started.link(),
                        started.audit(),
                        started.sinks(),
                        new ServerConfig.Mail(
                                "127.0.0.1",
                                SMTP.getSmtp().getPort(),
                                "none",
                                null,
                                null,
                                "secureconnect@vendor.example",
                                null,
                                null),
                        started.reports(),
                        started.limits(),
                        new ServerConfig.CallHome(null, null, null, null, "support@vendor.example", null, null)));
        Files.writeString(server.dir.resolve("rules.yaml"), RULES);
        server.stop();
        server.start(); // the whole server.yaml (restartOnSamePort keeps only the listeners and TLS)
        appliance = new ApplianceProcess(root, "SN-CALLHOME-1", server.appliancePort(), server.publicTokenKey());
        Launcher.Result contacts = Launcher.run(
                "sc-server",
                "contacts",
                "set",
                "--dir",
                server.dir.toString(),
                appliance.serial,
                "--email",
                "admin@customer.example");
        assertThat(contacts.exitCode()).as(contacts.describe()).isZero();
        appliance.admin("commands add", "--name", "raid-status", "--", "/bin/sh", "-c", "echo degraded; exit 2");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode)
                json.readTree(appliance.dir.resolve("appliance.json").toFile());
        ObjectNode callHome = config.putObject("callHome").put("interval", "2s").put("jitter", "0s");
        callHome.putArray("healthChecks")
                .addObject()
                .put("name", "raid")
                .put("command", "raid-status")
                .put("expectExit", 0)
                .put("timeout", "10s");
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

        // the failing health check opened a case with the rule's scope, mailed to the contact and the support queue
        Eventually.within(Duration.ofSeconds(30), "a case is opened", () -> cases().size() == 1);
        JsonNode opened = cases().get(0);
        String caseId = opened.path("id").asText();
        assertThat(opened.path("appliance").asText()).isEqualTo(appliance.serial);
        assertThat(opened.path("rule").asText()).isEqualTo("raid");
        assertThat(opened.path("state").asText()).isEqualTo("open");
        assertThat(opened.path("severity").asText()).isEqualTo("critical");
        assertThat(opened.path("bundleId").asText())
                .isEqualTo(listed.get(0).path("id").asText());
        assertThat(opened.path("title").asText()).isEqualTo("Health check raid failing: exit status 2 (expected 0)");
        Launcher.Result caseShown = Launcher.run("sc-server", "cases", "show", "--dir", server.dir.toString(), caseId);
        assertThat(caseShown.exitCode()).as(caseShown.describe()).isZero();
        assertThat(caseShown.out())
                .contains("\"raid-status\"")
                .contains("\"/var/log\"")
                .contains("PT2H");
        Eventually.within(Duration.ofSeconds(30), "the case is mailed", () -> SMTP.getReceivedMessages().length >= 2);
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getSubject()).contains("case " + caseId + " (critical) on " + appliance.serial);
        assertThat(mail.getAllRecipients())
                .extracting(Object::toString)
                .containsExactly("admin@customer.example", "support@vendor.example");
        assertThat(server.audit())
                .anyMatch(r -> r.event().type() == EventType.CASE_OPENED
                        && caseId.equals(r.event().details().get("caseId")));

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

        // the check still fails in the two later bundles: the same problem, no second case; the operator closes it
        assertThat(cases()).hasSize(1);
        Launcher.Result closed = Launcher.run(
                "sc-server", "cases", "close", "--dir", server.dir.toString(), caseId, "--reason", "disk replaced");
        assertThat(closed.exitCode()).as(closed.describe()).isZero();
        assertThat(cases().get(0).path("state").asText()).isEqualTo("closed");
        Launcher.Result again = Launcher.run("sc-server", "cases", "close", "--dir", server.dir.toString(), caseId);
        assertThat(again.exitCode()).as(again.describe()).isNotZero();
        assertThat(again.err()).contains("case " + caseId + " is already closed");
    }

    private JsonNode cases() {
        try {
            Launcher.Result listed = Launcher.run(
                    "sc-server",
                    "cases",
                    "list",
                    "--dir",
                    server.dir.toString(),
                    "--appliance",
                    appliance.serial,
                    "--json");
            assertThat(listed.exitCode()).as(listed.describe()).isZero();
            return new ObjectMapper().readTree(listed.out());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
