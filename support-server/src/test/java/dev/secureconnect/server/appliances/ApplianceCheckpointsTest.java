package dev.secureconnect.server.appliances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.chain.ChainCheckpoint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.appliances.ApplianceCheckpoints.Received;
import dev.secureconnect.server.appliances.ApplianceCheckpoints.RecordHashes;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import dev.secureconnect.tunnel.link.LinkException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The server keeps the latest audit checkpoint of each appliance, and never lets one go back. */
class ApplianceCheckpointsTest {

    private static final String SERIAL = "SN-CP-1";

    private final MutableClock clock = MutableClock.atNewYear2026();
    private final TestPki.Issued appliance = TestPki.shared().appliance(SERIAL);
    private final PublicKey linkKey = appliance.certificate().getPublicKey();
    private final PrivateKey key = appliance.privateKey();

    /** The appliance's audit log as it answers the server: the hash of its record at each seq it holds. */
    private final Map<Long, String> applianceLog = new HashMap<>(Map.of(10L, hash('a'), 25L, hash('b')));
    /** The seqs the server asked the appliance about, in order. */
    private final List<Long> asked = new ArrayList<>();

    private final RecordHashes applianceHashes = seq -> {
        asked.add(seq);
        String hash = applianceLog.get(seq);
        if (hash == null) {
            throw new LinkException("the appliance answered 404: the audit log has no record at seq " + seq);
        }
        return hash;
    };

    private String signed(long seq, String hash) {
        return ChainCheckpoint.sign(SERIAL, seq, hash, clock.instant(), key).jws();
    }

    private static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    private static ServerAuditRecord last(ServerAuditLog log) {
        return log.list(log.lastSeq() - 1, 1).get(0);
    }

    @StorageTest
    void aNewerCheckpointIsKeptAndAuditedAndARegressionIsRefusedAsTampering(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        ApplianceCheckpoints checkpoints = new ApplianceCheckpoints(test.database(), log, clock);

        assertThat(checkpoints.receive(SERIAL, linkKey, signed(10, hash('a')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.KEPT);
        ServerAuditRecord kept = last(log);
        assertThat(kept.event().type()).isEqualTo(EventType.APPLIANCE_CHECKPOINT);
        assertThat(kept.event().details())
                .containsEntry("checkpointSeq", "10")
                .containsEntry("checkpointHash", hash('a'))
                .containsEntry("previousSeq", "0");
        assertThat(kept.event().applianceSerial()).isEqualTo(SERIAL);
        Instant firstSigned = clock.instant();

        String same = checkpoints.held(SERIAL).orElseThrow().checkpoint().jws();
        long before = log.lastSeq();
        assertThat(checkpoints.receive(SERIAL, linkKey, same, "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.SAME);
        assertThat(log.lastSeq()).as("the same checkpoint again is not audited").isEqualTo(before);

        clock.advance(Duration.ofMinutes(1));
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(25, hash('b')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.KEPT);
        assertThat(last(log).event().details()).containsEntry("previousSeq", "10");

        // the appliance's log was cut back to 12 records and re-signed (whoever did it holds the appliance's key)
        clock.advance(Duration.ofMinutes(1));
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(12, hash('c')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        ServerAuditRecord refused = last(log);
        assertThat(refused.event().type()).isEqualTo(EventType.APPLIANCE_CHECKPOINT_REFUSED);
        assertThat(refused.event().details())
                .containsEntry("checkpointSeq", "12")
                .containsEntry("storedSeq", "25");
        assertThat(refused.event().details().get("reason"))
                .contains("lower than the seq 25")
                .contains("cut or rewritten");

        // rewritten to the same length: another hash at the seq the server holds
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(25, hash('d')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        assertThat(last(log).event().details().get("reason")).contains("another hash at seq 25");

        ApplianceCheckpoints.Held held = checkpoints.held(SERIAL).orElseThrow();
        assertThat(held.checkpoint().seq()).as("the held checkpoint stays").isEqualTo(25);
        assertThat(held.checkpoint().hash()).isEqualTo(hash('b'));
        assertThat(held.checkpoint().signedAt()).isEqualTo(firstSigned.plus(Duration.ofMinutes(1)));
        assertThat(checkpoints.all()).containsOnlyKeys(SERIAL);
    }

    /**
     * A higher seq is kept only when the appliance's log still holds the held checkpoint's hash at its seq: a log cut
     * below it and grown past it again, or one that no longer reaches it, is refused; the held checkpoint stays.
     */
    @StorageTest
    void aLogCutBelowTheHeldCheckpointAndGrownPastItIsRefused(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        ApplianceCheckpoints checkpoints = new ApplianceCheckpoints(test.database(), log, clock);
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(10, hash('a')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.KEPT);
        assertThat(asked).as("nothing held yet: nothing to ask").isEmpty();

        // cut to 4 records, then 26 more appended (whoever did it holds the appliance's key): seq 10 has another hash
        applianceLog.put(10L, hash('x'));
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(30, hash('y')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        assertThat(asked).containsExactly(10L);
        ServerAuditRecord refused = last(log);
        assertThat(refused.event().type()).isEqualTo(EventType.APPLIANCE_CHECKPOINT_REFUSED);
        assertThat(refused.event().details())
                .containsEntry("checkpointSeq", "30")
                .containsEntry("storedSeq", "10");
        assertThat(refused.event().details().get("reason"))
                .startsWith("the appliance's audit log does not extend the checkpoint the server holds (seq 10,")
                .endsWith("its record at seq 10 has another hash, so the log was cut below it and grown past it again");

        // cut to 4 records only: no record at the held seq
        applianceLog.remove(10L);
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(8, hash('z')), "192.0.2.1:4000", applianceHashes))
                .as("a lower seq is refused without asking")
                .isEqualTo(Received.REFUSED);
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(31, hash('y')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        assertThat(asked).containsExactly(10L, 10L);
        assertThat(last(log).event().details().get("reason"))
                .isEqualTo("the appliance's audit log cannot be shown to extend the checkpoint the server holds (seq"
                        + " 10, signed "
                        + checkpoints.held(SERIAL).orElseThrow().checkpoint().signedAt() + "): the"
                        + " appliance answered 404: the audit log has no record at seq 10");
        assertThat(checkpoints.held(SERIAL).orElseThrow().checkpoint().seq())
                .as("the held checkpoint stays")
                .isEqualTo(10);

        // the log extends it after all (say, restored from a backup): the next checkpoint is kept
        applianceLog.put(10L, hash('a'));
        assertThat(checkpoints.receive(SERIAL, linkKey, signed(32, hash('w')), "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.KEPT);
        assertThat(last(log).event().details()).containsEntry("previousSeq", "10");
        assertThat(checkpoints.held(SERIAL).orElseThrow().checkpoint().hash()).isEqualTo(hash('w'));
    }

    @StorageTest
    void aCheckpointSignedWithAnotherKeyOrForAnotherApplianceIsRefused(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        ApplianceCheckpoints checkpoints = new ApplianceCheckpoints(test.database(), log, clock);

        String forged = ChainCheckpoint.sign(
                        SERIAL,
                        5,
                        hash('e'),
                        clock.instant(),
                        TestPki.keyPair("not-the-appliance").getPrivate())
                .jws();
        assertThat(checkpoints.receive(SERIAL, linkKey, forged, "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        assertThat(last(log).event().details().get("reason")).contains("does not verify");

        String otherSerial = ChainCheckpoint.sign("SN-OTHER", 5, hash('e'), clock.instant(), key)
                .jws();
        assertThat(checkpoints.receive(SERIAL, linkKey, otherSerial, "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        assertThat(last(log).event().details().get("reason")).contains("checkpoint of appliance SN-OTHER");

        assertThat(checkpoints.receive(SERIAL, linkKey, "not.a.jws", "192.0.2.1:4000", applianceHashes))
                .isEqualTo(Received.REFUSED);
        assertThat(checkpoints.held(SERIAL)).isEmpty();
        assertThat(log.list(0, 100))
                .extracting(r -> r.event().type())
                .isEqualTo(List.of(
                        EventType.APPLIANCE_CHECKPOINT_REFUSED,
                        EventType.APPLIANCE_CHECKPOINT_REFUSED,
                        EventType.APPLIANCE_CHECKPOINT_REFUSED));
    }
}
