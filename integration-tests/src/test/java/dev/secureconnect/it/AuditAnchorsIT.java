package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.AuditTailCut;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditAnchor;
import dev.secureconnect.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit anchors against real processes: a log cut at its tail and rechained (with its checkpoints removed, the
 * head rewritten) verifies intact on its own, and is found given the other side's anchor — the appliance's by the
 * checkpoint the server holds from its link (and refused when it links again, also once the cut log has grown past
 * the held seq: its record there is another one), the server's by the
 * {@code audit-anchor.json} a SIEM copied before the cut.
 */
class AuditAnchorsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private ServerUnderTest server;
    private boolean serverRunning;
    private ApplianceProcess appliance;

    @AfterEach
    void tearDown() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
        if (server != null && serverRunning) {
            server.close();
        }
    }

    @Test
    void aCutAndRechainedLogIsFoundByTheOtherSidesAnchor() throws Exception {
        server = new ServerUnderTest(root);
        serverRunning = true;
        appliance = new ApplianceProcess(root, "SN-ANCHOR-1", server.appliancePort(), server.publicTokenKey());
        appliance.auditCheckpoints(1, "1s"); // each record signed within a second, and sent in a hello
        appliance.start();
        appliance.admin("enable");
        String ticket = server.openTicket("anchor test", appliance.serial);
        appliance.admin("connect", "--ticket", ticket);
        Eventually.within(
                Duration.ofSeconds(10), "the appliance is online", () -> server.online(appliance.serial, ticket));
        for (int i = 1; i <= 6; i++) { // records for the server's checkpoint to cover
            appliance.admin("services add", "--name", "svc" + i, "--port", Integer.toString(10_000 + i));
        }
        Path applianceLog = ApplianceDirectory.open(appliance.dir).auditFile();
        long logged = Files.readAllLines(applianceLog).size();
        Eventually.within(
                Duration.ofSeconds(20),
                "the server holds a checkpoint of the appliance's log covering its " + logged + " records",
                () -> heldSeq() >= logged);
        appliance.stop(); // no checkpoint after the one exported below

        // a) the appliance's log, against the checkpoint the server holds
        Launcher.Result listed = Launcher.run("sc-server", "appliances", "--dir", server.dir.toString());
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.out()).containsPattern("held \\d+ records signed at \\d{4}-");
        Path applianceAnchor = root.resolve("appliance-anchor.json");
        Launcher.Result exported = Launcher.run(
                "sc-server",
                "appliances",
                "--dir",
                server.dir.toString(),
                "--checkpoint",
                appliance.serial,
                "--out",
                applianceAnchor.toString());
        assertThat(exported.exitCode()).as(exported.describe()).isZero();
        long anchored = JSON.readTree(applianceAnchor.toFile()).path("seq").asLong();
        assertThat(anchored).isGreaterThanOrEqualTo(logged);

        AuditTailCut.cut(ApplianceDirectory.open(appliance.dir), 2);

        Launcher.Result alone = appliance.tryAdmin("audit verify");
        assertThat(alone.exitCode())
                .as("the cut log alone verifies: " + alone.describe())
                .isZero();
        assertThat(alone.out()).contains("2 records, hash chain verified");
        Launcher.Result withAnchor = appliance.tryAdmin("audit verify", "--anchor", applianceAnchor.toString());
        assertThat(withAnchor.exitCode()).as(withAnchor.describe()).isEqualTo(1);
        assertThat(withAnchor.err())
                .contains("the audit log ends at seq 2: records 3.." + anchored + " missing")
                .doesNotContainPattern("\\R.");

        appliance.start(); // it links again with a checkpoint of its rewritten log
        Eventually.within(
                Duration.ofSeconds(20),
                "the server refuses the appliance's lower checkpoint",
                () -> server.audit().stream()
                        .anyMatch(r -> r.event().type() == EventType.APPLIANCE_CHECKPOINT_REFUSED
                                && appliance.serial.equals(r.event().applianceSerial())));
        assertThat(EventType.APPLIANCE_CHECKPOINT_REFUSED.id()).isEqualTo(1111);
        assertThat(heldSeq()).as("the held checkpoint stays").isEqualTo(anchored);
        appliance.stop();

        // the cut log grown past the held seq while the link was down, then linked again: its record at the held
        // seq is another one, so the server refuses its higher checkpoint too
        ApplianceAuditLog regrown = new ApplianceAuditLog(ApplianceDirectory.open(appliance.dir), Clock.systemUTC());
        for (long seq = Files.readAllLines(applianceLog).size(); seq <= anchored; seq++) {
            regrown.append(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "admin")
                    .build());
        }
        regrown.close(Duration.ofSeconds(5));
        appliance.start();
        String notExtended = "does not extend the checkpoint the server holds (seq " + anchored + ",";
        Eventually.within(
                Duration.ofSeconds(20),
                "the server refuses the appliance's higher checkpoint of a regrown log",
                () -> server.audit().stream()
                        .anyMatch(r -> r.event().type() == EventType.APPLIANCE_CHECKPOINT_REFUSED
                                && r.event()
                                        .details()
                                        .getOrDefault("reason", "")
                                        .contains(notExtended)));
        assertThat(heldSeq()).as("the held checkpoint stays").isEqualTo(anchored);
        Launcher.Result operatorView = Launcher.run("sc-server", "appliances", "--dir", server.dir.toString());
        assertThat(operatorView.out()).contains("held " + anchored + " records");
        appliance.stop();

        // b) the server's log, against the anchor a SIEM copied
        server.stop(); // signs its last records: the anchor file names the last seq
        serverRunning = false;
        Path siemAnchor = root.resolve("siem-audit-anchor.json");
        Files.copy(server.dir.resolve(AuditAnchor.FILE), siemAnchor);
        long serverAnchored = JSON.readTree(siemAnchor.toFile()).path("seq").asLong();
        long keep = serverAnchored - 3;
        cutServerLog(server.dir.resolve("server.db"), keep);

        Launcher.Result serverAlone = Launcher.run("sc-server", "audit", "verify", "--dir", server.dir.toString());
        assertThat(serverAlone.exitCode())
                .as("the cut log alone verifies: " + serverAlone.describe())
                .isZero();
        Launcher.Result serverAnchoredVerify = Launcher.run(
                "sc-server", "audit", "verify", "--dir", server.dir.toString(), "--anchor", siemAnchor.toString());
        assertThat(serverAnchoredVerify.exitCode())
                .as(serverAnchoredVerify.describe())
                .isEqualTo(1);
        assertThat(serverAnchoredVerify.err())
                .contains("audit log verification failed at seq " + (keep + 1))
                .contains("records " + (keep + 1) + ".." + serverAnchored + " missing");
    }

    /** The seq of the appliance's checkpoint the server holds now (0: none), from the server's own database. */
    private long heldSeq() {
        return server.audit().stream()
                .filter(r -> r.event().type() == EventType.APPLIANCE_CHECKPOINT)
                .filter(r -> appliance.serial.equals(r.event().applianceSerial()))
                .mapToLong(r -> Long.parseLong(r.event().details().getOrDefault("checkpointSeq", "0")))
                .max()
                .orElse(0);
    }

    /**
     * Removes the records above {@code keep} and the checkpoints above them, and rewrites the head: what someone with
     * the database file (the server stopped) can do, the append-only triggers dropped first.
     */
    private static void cutServerLog(Path database, long keep) throws Exception {
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = sql.createStatement()) {
            List<String> triggers = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
                while (rows.next()) {
                    triggers.add(rows.getString(1));
                }
            }
            for (String trigger : triggers) {
                statement.execute("DROP TRIGGER \"" + trigger + "\"");
            }
            String hash;
            try (ResultSet rows = statement.executeQuery("SELECT hash FROM audit_log WHERE seq = " + keep)) {
                assertThat(rows.next()).isTrue();
                hash = rows.getString(1);
            }
            statement.executeUpdate("DELETE FROM audit_log WHERE seq > " + keep);
            statement.executeUpdate("DELETE FROM audit_checkpoints WHERE seq > " + keep);
            statement.executeUpdate("UPDATE audit_head SET seq = " + keep + ", hash = '" + hash + "'");
        }
    }
}
