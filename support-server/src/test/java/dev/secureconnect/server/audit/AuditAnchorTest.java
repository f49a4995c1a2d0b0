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
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

class AuditAnchorTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private Checkpoints checkpoints(ServerAuditLog log, TestDatabase test) {
        return new Checkpoints(
                test.database(), log, AuditKey.loadOrCreate(dir), "node-1", clock, Optional.of(AuditAnchor.in(dir)));
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
    void everyCheckpointIsWrittenToTheAnchorFileAndTheLogVerifiesAgainstIt(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);
        append(log, 3);
        checkpoints.sign(); // 4
        append(log, 2);
        Checkpoint second = checkpoints.sign(); // 7
        append(log, 2);

        AuditAnchor anchor = AuditAnchor.read(AuditAnchor.in(dir));
        assertThat(anchor.checkpoint()).isEqualTo(second);
        assertThat(anchor.node()).isEqualTo("node-1");
        assertThat(log.checkpointSignature(7)).contains(second.jws());
        assertThat(log.checkpointSignature(6)).isEmpty();

        AuditVerification ok = anchor.verify(log, AuditKey.load(dir).publicKey());
        assertThat(ok.ok()).as(ok.message()).isTrue();
        assertThat(ok.message()).contains("vouches for records 1..7");
    }

    @StorageTest
    void cuttingTheTailWithItsCheckpointsAndRewritingTheHeadIsFoundGivenTheAnchor(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);
        append(log, 3);
        checkpoints.sign(); // 4
        append(log, 3);
        checkpoints.sign(); // 8
        Path copied = elsewhere.resolve("anchor.json"); // the auditor's copy, out of the server's reach
        Files.copy(AuditAnchor.in(dir), copied);
        AuditPublicKey key = AuditKey.load(dir).publicKey();

        // records 6..8 and the checkpoint above them removed, the head rewritten to record 5
        String hash5 = log.list(4, 1).get(0).hash();
        test.tamper(
                "DELETE FROM audit_log WHERE seq > 5",
                "DELETE FROM audit_checkpoints WHERE seq > 5",
                "UPDATE audit_head SET seq = 5, hash = '" + hash5 + "'");

        AuditVerification plain = log.verify(key);
        assertThat(plain.ok())
                .as("without an anchor the cut is invisible: " + plain.message())
                .isTrue();

        AuditVerification anchored = AuditAnchor.read(copied).verify(log, key);
        assertThat(anchored.ok()).isFalse();
        assertThat(anchored.problem()).isEqualTo(Problem.MISSING_RECORD);
        assertThat(anchored.firstBadSeq()).isEqualTo(6);
        assertThat(anchored.message()).contains("the log ends at record 5").contains("records 6..8 missing");

        // and a log rewritten past the anchor (records appended again, so it reaches seq 8) has another record 8
        append(log, 2);
        checkpoints.sign(); // a new record 8, a checkpoint signed by the server over the rewritten chain
        AuditVerification rewritten = AuditAnchor.read(copied).verify(log, key);
        assertThat(rewritten.ok()).isFalse();
        assertThat(rewritten.problem()).isEqualTo(Problem.EDITED_RECORD);
        assertThat(rewritten.firstBadSeq()).isEqualTo(8);
    }

    @StorageTest
    void anAnchorFromAnotherKeyIsRefused(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        append(log, 3);
        Path otherDir = elsewhere.resolve("other");
        new Checkpoints(
                        test.database(),
                        log,
                        AuditKey.loadOrCreate(otherDir),
                        "node-1",
                        clock,
                        Optional.of(AuditAnchor.in(otherDir)))
                .sign();

        AuditVerification result = AuditAnchor.read(AuditAnchor.in(otherDir))
                .verify(log, AuditKey.loadOrCreate(dir).publicKey());

        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).isEqualTo(Problem.BAD_CHECKPOINT);
        assertThat(result.firstBadSeq()).isEqualTo(4);
        assertThat(result.message())
                .contains("the anchor is refused")
                .contains("signed by key " + AuditKey.load(otherDir).keyId());
    }

    @StorageTest
    void aBundleServesAsAnAnchorAndTheAnchorFileNeverMovesBack(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        Checkpoints checkpoints = checkpoints(log, test);
        append(log, 3);
        Path bundle = elsewhere.resolve("bundle.json");
        AuditBundle.export(log, checkpoints, AuditKey.load(dir), "node-1", "operator:test", 1, 3, bundle);
        AuditAnchor fromBundle = AuditAnchor.read(bundle);
        assertThat(fromBundle.checkpoint().seq()).isEqualTo(4);
        assertThat(fromBundle.verify(log, AuditKey.load(dir).publicKey()).ok()).isTrue();

        append(log, 1);
        Checkpoint newer = checkpoints.sign();
        AuditAnchor.writeIfNewer(AuditAnchor.in(dir), fromBundle);
        assertThat(AuditAnchor.read(AuditAnchor.in(dir)).checkpoint()).isEqualTo(newer);

        Path junk = elsewhere.resolve("junk.json");
        Files.writeString(junk, "{\"format\":\"something-else\"}");
        assertThatThrownBy(() -> AuditAnchor.read(junk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an audit anchor or bundle");
    }
}
