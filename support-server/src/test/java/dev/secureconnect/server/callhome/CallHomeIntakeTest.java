package dev.secureconnect.server.callhome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import dev.secureconnect.tunnel.callhome.CallHomeProtocol;
import dev.secureconnect.tunnel.link.CaseNotice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake pipeline in an {@link EmbeddedChannel} against a real database (SQLite and PostgreSQL): a bundle stored
 * and listed, a resend answered as already stored, and each kind of bad input refused with its status and audited.
 */
class CallHomeIntakeTest {

    private static final String SERIAL = "SN-1";
    private static final String ID = "6f1c1f0e-4a8b-4c53-9a54-0a1b2c3d4e5f";

    private final MutableClock clock = MutableClock.atNewYear2026();

    @TempDir
    Path dir;

    @StorageTest
    void aBundleIsStoredOnceAndBadInputIsRefusedAndAudited(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        BundleStore store = new BundleStore(dir, test.database(), audit, clock);
        CallHomeIntake intake = new CallHomeIntake(store, 64 * 1024, Runnable::run);

        assertThat(post(intake, SERIAL, gzip(bundle(ID, SERIAL, "ok")))).startsWith("HTTP/1.1 201");
        assertThat(post(intake, SERIAL, gzip(bundle(ID, SERIAL, "ok")))).startsWith("HTTP/1.1 200");
        assertThat(post(intake, SERIAL, gzip(bundle(ID, SERIAL, "other")))).startsWith("HTTP/1.1 409");
        assertThat(post(intake, "SN-2", gzip(bundle("6f1c1f0e-4a8b-4c53-9a54-0a1b2c3d4e60", SERIAL, "ok"))))
                .startsWith("HTTP/1.1 403")
                .contains("certificate of SN-2");
        assertThat(post(intake, SERIAL, gzip("{\"format\": ".getBytes(StandardCharsets.UTF_8))))
                .startsWith("HTTP/1.1 400")
                .contains("malformed JSON");
        assertThat(post(intake, SERIAL, bundle(ID, SERIAL, "ok"))).startsWith("HTTP/1.1 400");
        byte[] huge = new byte[70 * 1024];
        new java.util.Random(7).nextBytes(huge);
        assertThat(post(intake, SERIAL, huge)).startsWith("HTTP/1.1 413");

        List<StoredBundle> stored = store.list(null, 10);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).summary()).contains("checks failing: raid").contains("fullest / 97.5%");
        assertThat(store.json(stored.get(0))).contains("\"note\":\"ok\"");
        assertThat(Files.exists(dir.resolve(stored.get(0).bodyFile()))).isTrue();
        assertThat(events(audit, EventType.CALLHOME_RECEIVED)).hasSize(1);
        List<ServerAuditRecord> refused = events(audit, EventType.CALLHOME_REFUSED);
        assertThat(refused)
                .extracting(r -> r.event().details().get("status"))
                .containsExactly("409", "403", "400", "400", "413");

        clock.advance(Duration.ofHours(13));
        assertThat(store.raiseMissed(Duration.ofHours(13).minusMinutes(1))).containsExactly(SERIAL);
        assertThat(store.raiseMissed(Duration.ofHours(13).minusMinutes(1))).isEmpty(); // once per gap
        assertThat(events(audit, EventType.CALLHOME_MISSED)).hasSize(1);

        clock.advance(Duration.ofDays(1));
        assertThat(store.prune(Duration.ofDays(1))).isEqualTo(1);
        assertThat(store.list(SERIAL, 10)).isEmpty();
        assertThat(Files.exists(dir.resolve(stored.get(0).bodyFile()))).isFalse();
    }

    @StorageTest
    void aNewBundleIsHandedToTheAlertRulesAfterTheAnswerAResendIsNot(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        BundleStore store = new BundleStore(dir, test.database(), audit, clock);
        List<String> handed = new java.util.ArrayList<>();
        CallHomeIntake intake = new CallHomeIntake(store, 64 * 1024, Runnable::run, (appliance, id, json) -> {
            handed.add(appliance + " " + id + " " + new String(json, StandardCharsets.UTF_8).contains("raid"));
            throw new IllegalStateException("a failing rule evaluation does not change the answer");
        });

        assertThat(post(intake, SERIAL, gzip(bundle(ID, SERIAL, "ok")))).startsWith("HTTP/1.1 201");
        assertThat(post(intake, SERIAL, gzip(bundle(ID, SERIAL, "ok")))).startsWith("HTTP/1.1 200");
        assertThat(handed).containsExactly(SERIAL + " " + ID + " true");
    }

    @StorageTest
    void theAnswerCarriesTheCasesAndTheDecisionsSentWithTheBundleAreTaken(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        BundleStore store = new BundleStore(dir, test.database(), audit, clock);
        List<String> taken = new java.util.ArrayList<>();
        CallHomeIntake intake = new CallHomeIntake(store, 64 * 1024, Runnable::run)
                .carryingCases((appliance, decisions) -> {
                    decisions.forEach(d -> taken.add(appliance + " " + d.caseId() + " " + d.decision()));
                    return new CaseNotice.Cases(List.of());
                });

        String answer = post(
                intake,
                SERIAL,
                gzip(bundle(ID, SERIAL, "ok")),
                "[{\"caseId\":\"C12345678\",\"decision\":\"declined\",\"reason\":\"no\",\"until\":\"\"}]");
        assertThat(answer).startsWith("HTTP/1.1 201").endsWith("stored bundle " + ID + "\n{\"cases\":[]}\n");
        assertThat(taken).containsExactly(SERIAL + " C12345678 declined");

        String resent = post(intake, SERIAL, gzip(bundle(ID, SERIAL, "ok")), "[{\"caseId\":\"bad\"}]");
        assertThat(resent)
                .as("malformed decisions are left out, the bundle is answered")
                .startsWith("HTTP/1.1 200")
                .endsWith("{\"cases\":[]}\n");
        assertThat(taken).hasSize(1);
    }

    private static List<ServerAuditRecord> events(ServerAuditLog audit, EventType type) {
        return audit.list(0, 1000).stream()
                .filter(r -> r.event().type() == type)
                .toList();
    }

    static byte[] bundle(String id, String serial, String note) {
        return ("{\"format\":\"secureconnect-callhome-v1\",\"id\":\"" + id + "\",\"serial\":\"" + serial + "\","
                        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"trigger\":\"admin\","
                        + "\"product\":{\"name\":\"sc-appliance\",\"version\":\"1.0.0\",\"runtime\":\"17\"},"
                        + "\"system\":{\"fileSystems\":[{\"mount\":\"/\",\"usedPercent\":97.5}]},"
                        + "\"healthChecks\":[{\"name\":\"raid\",\"healthy\":false}],\"note\":\"" + note + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }

    /** Posts {@code body} on a new connection of {@code appliance}; returns the response as text. */
    private static String post(CallHomeIntake intake, String appliance, byte[] body) {
        return post(intake, appliance, body, null);
    }

    /** @param decisions the {@code sc-case-decisions} header, or null */
    private static String post(CallHomeIntake intake, String appliance, byte[] body, String decisions) {
        EmbeddedChannel channel = new EmbeddedChannel();
        intake.install(channel.pipeline(), appliance, "192.0.2.1");
        String head = "POST " + CallHomeProtocol.PATH + " HTTP/1.1\r\nHost: support\r\nContent-Encoding: gzip\r\n"
                + (decisions == null ? "" : CallHomeProtocol.HEADER_CASE_DECISIONS + ": " + decisions + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        channel.writeInbound(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body));
        channel.runPendingTasks();
        StringBuilder response = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            response.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        assertThat(channel.isOpen()).isFalse(); // one bundle per connection
        channel.finishAndReleaseAll();
        return response.toString();
    }
}
