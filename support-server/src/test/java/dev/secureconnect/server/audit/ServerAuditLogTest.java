package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditVerification.Problem;
import dev.secureconnect.server.storage.StorageException;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class ServerAuditLogTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    @StorageTest
    void appendedRecordsAreNumberedTimedAndChainedFromGenesis(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);

        List<ServerAuditRecord> appended = appendSome(log, 3);

        assertThat(appended).extracting(ServerAuditRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(appended.get(0).prevHash()).isEqualTo(HashChain.GENESIS);
        assertThat(appended.get(1).prevHash()).isEqualTo(appended.get(0).hash());
        assertThat(appended.get(2).prevHash()).isEqualTo(appended.get(1).hash());
        assertThat(appended)
                .extracting(ServerAuditRecord::time)
                .containsExactly(
                        Instant.parse("2026-01-01T00:00:01Z"),
                        Instant.parse("2026-01-01T00:00:02Z"),
                        Instant.parse("2026-01-01T00:00:03Z"));
        assertThat(log.lastSeq()).isEqualTo(3);
    }

    @StorageTest
    void listReturnsTheRecordsAfterASequenceNumberExactlyAsAppended(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        List<ServerAuditRecord> appended = appendSome(log, 5);

        assertThat(log.list(0, 100)).isEqualTo(appended);
        assertThat(log.list(1, 2)).isEqualTo(appended.subList(1, 3));
        assertThat(log.list(5, 100)).isEmpty();
    }

    @StorageTest
    void everyFieldRoundTripsIncludingNullsNewlinesAndNonAscii(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        clock.set(Instant.parse("2026-03-04T05:06:07.123456789Z"));
        ServerAuditEvent full = ServerAuditEvent.builder(EventType.STREAM_CLOSED)
                .actor("alice")
                .appliance("SN-1234")
                .ticket("12345678")
                .session("s-1")
                .source("203.0.113.7:50412")
                .outcome(ServerAuditEvent.Outcome.FAILURE)
                .detail("reason", "line one\nline two")
                .detail("bytesToAppliance", 1_073_741_824L)
                .detail("note", "Grüße, 東京 ✓")
                .detail("omitted", null)
                .build();
        ServerAuditEvent bare =
                ServerAuditEvent.builder(EventType.TICKET_OPENED).build();

        ServerAuditRecord first = log.append(full);
        ServerAuditRecord second = log.append(bare);

        assertThat(first.time()).isEqualTo(Instant.parse("2026-03-04T05:06:07.123Z"));
        assertThat(log.list(0, 10)).containsExactly(first, second);
        assertThat(log.list(0, 10).get(0).event().details())
                .containsExactly(
                        Map.entry("bytesToAppliance", "1073741824"),
                        Map.entry("note", "Grüße, 東京 ✓"),
                        Map.entry("reason", "line one\nline two"));
        assertThat(second.event().actor()).isNull();
        assertThat(second.event().outcome()).isEqualTo(ServerAuditEvent.Outcome.SUCCESS);
        assertThat(log.verify().ok()).isTrue();
    }

    @StorageTest
    void verifyAcceptsAnEmptyLogAndAnIntactChain(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(Problem.NONE, 0, 0, 0, "audit log intact: 0 record(s), head at 0"));

        appendSome(log, 5);

        AuditVerification result = log.verify();
        assertThat(result.ok()).isTrue();
        assertThat(result.checked()).isEqualTo(5);
        assertThat(result.headSeq()).isEqualTo(5);
        assertThat(result.message()).isEqualTo("audit log intact: 5 record(s), head at 5");
    }

    @StorageTest
    void verifyDetectsAnEditedRow(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper("UPDATE audit_log SET details = '{\"title\":\"nothing to see here\"}' WHERE seq = 3");

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(
                        Problem.EDITED_RECORD, 3, 2, 5, "record 3 was edited: its content no longer matches its hash"));
    }

    @StorageTest
    void verifyDetectsARowEditedAndReHashed(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);
        AuditRow original = row(test, 3);
        AuditRow forged = new AuditRow(
                original.seq(),
                original.occurredAt(),
                original.eventId(),
                "mallory",
                original.applianceSerial(),
                original.ticket(),
                original.sessionId(),
                original.sourceAddress(),
                original.outcome(),
                original.details(),
                original.prevHash(),
                null);

        test.tamper("UPDATE audit_log SET actor = 'mallory', hash = '" + forged.computeHash() + "' WHERE seq = 3");

        AuditVerification result = log.verify();
        assertThat(result.problem()).isEqualTo(Problem.EDITED_RECORD);
        assertThat(result.firstBadSeq()).isEqualTo(3);
        assertThat(result.message())
                .isEqualTo("record 3 was edited and re-hashed: record 4 still links to its original hash");
    }

    @StorageTest
    void verifyDetectsADeletedMiddleRow(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper("DELETE FROM audit_log WHERE seq = 3");

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(Problem.MISSING_RECORD, 3, 2, 5, "record 3 is missing (deleted)"));
    }

    @StorageTest
    void verifyDetectsDeletedFirstRows(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper("DELETE FROM audit_log WHERE seq <= 2");

        assertThat(log.verify())
                .isEqualTo(
                        new AuditVerification(Problem.MISSING_RECORD, 1, 0, 5, "records 1..2 are missing (deleted)"));
    }

    @StorageTest
    void verifyDetectsADeletedLastRowAsAHeadMismatch(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper("DELETE FROM audit_log WHERE seq = 5");

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(
                        Problem.HEAD_MISMATCH,
                        5,
                        4,
                        5,
                        "the log ends at record 4 but its head records 5: record 5 is missing (deleted from the end)"));
    }

    @StorageTest
    void verifyDetectsTwoSwappedRows(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper(
                "UPDATE audit_log SET seq = -1 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = -1");

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(
                        Problem.REORDERED,
                        2,
                        1,
                        5,
                        "record 2 is chained after record 3, not after record 1: records were reordered"));
    }

    @StorageTest
    void verifyDetectsAChangedLink(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper("UPDATE audit_log SET prev_hash = '" + "f".repeat(64) + "' WHERE seq = 4");

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(
                        Problem.BROKEN_CHAIN,
                        4,
                        3,
                        5,
                        "record 4 does not chain to record 3: its prev_hash was changed"));
    }

    @StorageTest
    void verifyDetectsAChangedHashColumn(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 5);

        test.tamper("UPDATE audit_log SET hash = '" + "a".repeat(64) + "' WHERE seq = 3");

        assertThat(log.verify())
                .isEqualTo(new AuditVerification(
                        Problem.HASH_MISMATCH,
                        3,
                        2,
                        5,
                        "record 3 has a changed hash: its content is original but its stored hash is not"));
    }

    @StorageTest
    void verifyDetectsAnEditedHead(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 3);

        test.tamper("UPDATE audit_head SET hash = '" + "b".repeat(64) + "'");

        AuditVerification result = log.verify();
        assertThat(result.problem()).isEqualTo(Problem.HEAD_MISMATCH);
        assertThat(result.firstBadSeq()).isEqualTo(3);
    }

    @StorageTest
    void aRowEditedIntoSomethingUnreadableFailsListingButVerifyStillNamesIt(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        appendSome(log, 3);

        test.tamper("UPDATE audit_log SET event_id = 9999 WHERE seq = 2");

        assertThatThrownBy(() -> log.list(0, 10))
                .isInstanceOf(StorageException.class)
                .hasMessage(
                        "audit record 2 cannot be read (unknown audit event id 9999); run 'sc-server audit verify'");
        assertThat(log.verify().problem()).isEqualTo(Problem.EDITED_RECORD);
        assertThat(log.verify().firstBadSeq()).isEqualTo(2);
    }

    @StorageTest
    void workAndItsRecordsCommitTogetherOrNotAtAll(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);

        assertThatThrownBy(() -> log.inTransaction(transaction -> {
                    transaction.append(
                            ServerAuditEvent.builder(EventType.TICKET_OPENED).build());
                    throw new IllegalStateException("abandoned");
                }))
                .hasMessage("abandoned");
        assertThat(log.lastSeq()).isZero();
        assertThat(log.list(0, 10)).isEmpty();

        List<ServerAuditRecord> both = log.inTransaction(transaction -> List.of(
                transaction.append(
                        ServerAuditEvent.builder(EventType.TICKET_OPENED).build()),
                transaction.append(
                        ServerAuditEvent.builder(EventType.TICKET_CLOSED).build())));

        assertThat(both).extracting(ServerAuditRecord::seq).containsExactly(1L, 2L);
        assertThat(both.get(1).prevHash()).isEqualTo(both.get(0).hash());
        assertThat(log.verify().ok()).isTrue();
    }

    @StorageTest
    void listRefusesOutOfRangeArguments(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);

        assertThatThrownBy(() -> log.list(-1, 10)).hasMessage("afterSeq: -1 (expected: >= 0)");
        assertThatThrownBy(() -> log.list(0, 0)).hasMessage("limit: 0 (expected: 1..10000)");
        assertThatThrownBy(() -> log.list(0, 10_001)).hasMessage("limit: 10001 (expected: 1..10000)");
    }

    private List<ServerAuditRecord> appendSome(ServerAuditLog log, int count) {
        List<ServerAuditRecord> records = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            clock.advance(Duration.ofSeconds(1));
            records.add(
                    log.append(ServerAuditEvent.builder(i % 2 == 1 ? EventType.TICKET_OPENED : EventType.TICKET_CLOSED)
                            .actor("operator:root")
                            .ticket(String.valueOf(10_000_000 + i))
                            .detail("title", "ticket " + i)
                            .build()));
        }
        return records;
    }

    private static AuditRow row(TestDatabase test, long seq) {
        return test.database().withConnection(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT " + AuditRow.COLUMNS + " FROM audit_log WHERE seq = ?")) {
                select.setLong(1, seq);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    return AuditRow.read(rs);
                }
            }
        });
    }
}
