package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditVerification.Problem;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private Checkpoints checkpoints(ServerAuditLog log, TestDatabase test) {
        return new Checkpoints(test.database(), log, AuditKey.loadOrCreate(dir), "node-1", clock);
    }

    private static void append(ServerAuditLog log, int count) {
        for (int i = 0; i < count; i++) {
            log.append(ServerAuditEvent.builder(EventType.TICKET_OPENED)
                    .actor("operator:root")
                    .detail("n", i)
                    .build());
        }
    }

    @StorageTest
    void aCheckpointIsSignedEveryNRecordsOrAfterTheIntervalAndNeverForAQuietLog(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);

        assertThat(checkpoints.signIfDue(5, Duration.ofMinutes(1)))
                .as("empty log")
                .isEmpty();
        append(log, 3);
        clock.advance(Duration.ofSeconds(10));
        assertThat(checkpoints.signIfDue(5, Duration.ofMinutes(1)))
                .as("no first checkpoint yet: sign")
                .isPresent();
        assertThat(log.lastSeq()).isEqualTo(4);
        assertThat(log.list(3, 1).get(0).event().type()).isEqualTo(EventType.AUDIT_CHECKPOINT);
        assertThat(checkpoints.signIfDue(5, Duration.ofMinutes(1)))
                .as("nothing new")
                .isEmpty();

        append(log, 4);
        assertThat(checkpoints.signIfDue(5, Duration.ofMinutes(1)))
                .as("4 new, interval not over")
                .isEmpty();
        append(log, 1);
        Checkpoint byCount = checkpoints.signIfDue(5, Duration.ofMinutes(1)).orElseThrow();
        assertThat(byCount.seq()).isEqualTo(10);
        assertThat(log.list(9, 1).get(0).event().details()).containsEntry("previousCheckpoint", "4");

        append(log, 1);
        clock.advance(Duration.ofMinutes(2));
        assertThat(checkpoints.signIfDue(1000, Duration.ofMinutes(1)))
                .as("interval over")
                .isPresent();
        assertThat(checkpoints.signIfDue(1000, Duration.ofMinutes(1)))
                .as("quiet again")
                .isEmpty();
    }

    @StorageTest
    void verifyChecksEveryCheckpointSignatureAndReportsItsSeq(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);
        append(log, 3);
        checkpoints.sign(); // 4
        append(log, 3);
        checkpoints.sign(); // 8
        append(log, 2);

        AuditVerification intact = log.verify(AuditKey.load(dir).publicKey());
        assertThat(intact.ok()).as(intact.message()).isTrue();
        assertThat(intact.message())
                .contains("2 checkpoint(s)")
                .contains("the last at record 8")
                .contains("records 9..10 not signed yet");
    }

    @StorageTest
    void aCheckpointSignedWithAnotherKeyIsRefused(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        append(log, 3);
        checkpoints(log, test).sign(); // 4, the server's key
        append(log, 2);
        // someone with database access but another key signs a checkpoint of their own
        new Checkpoints(test.database(), log, AuditKey.loadOrCreate(elsewhere), "node-1", clock).sign(); // 7
        append(log, 1);

        AuditVerification result = log.verify(AuditKey.load(dir).publicKey());

        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).isEqualTo(Problem.BAD_CHECKPOINT);
        assertThat(result.firstBadSeq()).isEqualTo(7);
        assertThat(result.message())
                .contains("signed by key " + AuditKey.load(elsewhere).keyId())
                .contains("not by the audit key " + AuditKey.load(dir).keyId());
    }

    @StorageTest
    void aForgedSignatureADeletedSignatureAndAMovedCheckpointAreRefused(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);
        append(log, 2);
        Checkpoint first = checkpoints.sign(); // 3
        append(log, 2);
        Checkpoint second = checkpoints.sign(); // 6
        AuditPublicKey key = AuditKey.load(dir).publicKey();

        String[] parts = second.jws().split("\\.");
        String otherSignature = first.jws().split("\\.")[2];
        test.tamper("UPDATE audit_checkpoints SET jws = '" + parts[0] + "." + parts[1] + "." + otherSignature
                + "' WHERE seq = 6");
        assertThat(log.verify(key))
                .extracting(AuditVerification::firstBadSeq, AuditVerification::problem)
                .containsExactly(6L, Problem.BAD_CHECKPOINT);
        assertThat(log.verify(key).message()).contains("does not verify");

        test.tamper(
                "UPDATE audit_checkpoints SET jws = '" + second.jws() + "' WHERE seq = 6",
                "DELETE FROM audit_checkpoints WHERE seq = 3");
        AuditVerification deleted = log.verify(key);
        assertThat(deleted.firstBadSeq()).isEqualTo(3);
        assertThat(deleted.message()).contains("record 3 is an audit.checkpoint whose signature was deleted");

        test.tamper("INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, jws) VALUES (3, '" + second.hash()
                + "', 0, '" + second.keyId() + "', '" + second.jws() + "')");
        AuditVerification moved = log.verify(key);
        assertThat(moved.firstBadSeq()).isEqualTo(3);
        assertThat(moved.message()).contains("signs record 6");
    }

    @StorageTest
    void anEditedRecordBeforeACheckpointIsReportedAtTheRecord(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        append(log, 4);
        checkpoints(log, test).sign();
        test.tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");

        AuditVerification result = log.verify(AuditKey.load(dir).publicKey());

        assertThat(result.firstBadSeq()).isEqualTo(2);
        assertThat(result.problem()).isEqualTo(Problem.EDITED_RECORD);
    }

    @StorageTest
    void anExportedBundleVerifiesOnItsOwnAndAnyChangeToItIsFound(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);
        AuditKey key = AuditKey.load(dir);
        append(log, 5);
        checkpoints.sign(); // 6
        append(log, 4); // 7..10

        Path bundle = elsewhere.resolve("audit-3-8.json");
        AuditBundle.Exported exported =
                AuditBundle.export(log, checkpoints, key, "node-1", "operator:test", 3, 8, bundle);

        assertThat(exported.signedThrough())
                .as("a checkpoint is signed to cover 8")
                .isEqualTo(11);
        assertThat(exported.records()).isEqualTo(9);
        assertThat(log.list(11, 1).get(0).event().type()).isEqualTo(EventType.AUDIT_EXPORTED);
        AuditVerification ok = AuditBundle.verify(bundle, null);
        assertThat(ok.ok()).as(ok.message()).isTrue();
        assertThat(ok.message()).contains("records 3..11").contains(key.keyId());
        assertThat(AuditBundle.verify(bundle, key.publicKey()).ok()).isTrue();
        assertThat(AuditBundle.verify(
                        bundle,
                        AuditKey.loadOrCreate(elsewhere.resolve("other")).publicKey()))
                .extracting(AuditVerification::ok)
                .isEqualTo(false);

        String text = Files.readString(bundle);
        Path edited = elsewhere.resolve("edited.json");
        Files.writeString(edited, text.replaceFirst("\"actor\" : \"operator:root\"", "\"actor\" : \"operator:eve\""));
        assertThat(AuditBundle.verify(edited, null))
                .extracting(AuditVerification::firstBadSeq, AuditVerification::problem)
                .containsExactly(3L, Problem.EDITED_RECORD);

        Path truncated = elsewhere.resolve("truncated.json");
        Files.writeString(truncated, text.replaceFirst("(?s)\"checkpoints\" : \\[.*\\]", "\"checkpoints\" : [ ]"));
        AuditVerification unsigned = AuditBundle.verify(truncated, null);
        assertThat(unsigned.ok()).isFalse();
        assertThat(unsigned.firstBadSeq()).isEqualTo(6);

        assertThatThrownBy(() -> AuditBundle.export(log, checkpoints, key, "node-1", "operator:test", 5, 99, bundle))
                .hasMessageContaining("expected 1 <= from <= to <= 12 (the last record)");
        assertThatThrownBy(() -> AuditBundle.verify(elsewhere.resolve("none.json"), null))
                .hasMessageContaining("does not exist");
    }
}
