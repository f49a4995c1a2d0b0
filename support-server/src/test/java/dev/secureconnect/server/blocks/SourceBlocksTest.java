package dev.secureconnect.server.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Counting failures per source, the block in memory and in {@code source_blocks}, its end, on SQLite and PostgreSQL. */
class SourceBlocksTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    @StorageTest
    void failuresWithinTheWindowBlockExemptAndOldOnesDoNotAndBlocksExpire(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        BlockStore store = new BlockStore(test.database(), audit, clock);
        ServerConfig.Blocking settings = new ServerConfig.Blocking(
                3, Duration.ofMinutes(5), Duration.ofMinutes(15), List.of("10.0.0.0/8"), null);
        SourceBlocks blocks = new SourceBlocks(store, settings, Runnable::run, clock);
        InetAddress attacker = InetAddress.getByName("192.0.2.7");
        InetAddress slow = InetAddress.getByName("192.0.2.8");
        InetAddress exempt = InetAddress.getByName("10.1.2.3");

        for (int i = 0; i < 5; i++) {
            blocks.failed(exempt, SourceFailure.HANDSHAKE);
        }
        blocks.failed(slow, SourceFailure.TOTP);
        blocks.failed(slow, SourceFailure.TOTP);
        blocks.failed(attacker, SourceFailure.TOKEN);
        blocks.failed(attacker, SourceFailure.TOKEN);
        clock.advance(Duration.ofMinutes(6)); // the slow source's two fall out of the window
        blocks.failed(slow, SourceFailure.TOTP);
        assertThat(blocks.isBlocked(attacker)).isFalse();
        blocks.failed(attacker, SourceFailure.TOKEN); // third within 5 minutes? no: the first two are 6 minutes old
        assertThat(blocks.isBlocked(attacker)).isFalse();
        blocks.failed(attacker, SourceFailure.TOKEN);
        blocks.failed(attacker, SourceFailure.TOKEN);

        assertThat(blocks.isBlocked(attacker)).isTrue();
        assertThat(blocks.isBlocked(slow)).isFalse();
        assertThat(blocks.isBlocked(exempt)).isFalse();
        assertThat(store.active())
                .extracting(SourceBlock::source, SourceBlock::reason, SourceBlock::failures)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("192.0.2.7", "token", 3));
        ServerAuditRecord blocked = only(audit, EventType.SOURCE_BLOCKED);
        assertThat(blocked.event().sourceAddress()).isEqualTo("192.0.2.7");
        assertThat(blocked.event().details())
                .containsEntry(
                        "until", clock.instant().plus(Duration.ofMinutes(15)).toString());

        blocks.poll();
        assertThat(blocks.isBlocked(attacker))
                .as("still blocked after reading the table")
                .isTrue();
        clock.advance(Duration.ofMinutes(16));
        blocks.poll();
        assertThat(blocks.isBlocked(attacker)).as("the block expired").isFalse();
        assertThat(store.active()).isEmpty();
        assertThat(only(audit, EventType.SOURCE_UNBLOCKED).event().details()).containsEntry("reason", "expired");
    }

    @StorageTest
    void aBlockLiftedInTheTableEndsAtTheNextPoll(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        BlockStore store = new BlockStore(test.database(), audit, clock);
        SourceBlocks blocks =
                new SourceBlocks(store, new ServerConfig.Blocking(1, null, null, null, null), Runnable::run, clock);
        InetAddress source = InetAddress.getByName("2001:db8::7");
        blocks.failed(source, SourceFailure.HANDSHAKE);
        assertThat(blocks.isBlocked(source)).isTrue();

        assertThat(SourceBlock.canonical(" 2001:db8::7 ")).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(store.remove(SourceBlock.canonical("2001:db8::7"), "operator:test", "false alarm"))
                .isPresent();
        assertThat(store.remove(SourceBlock.canonical("2001:db8::7"), "operator:test", "again"))
                .isEmpty();
        blocks.poll();
        assertThat(blocks.isBlocked(source)).isFalse();
        ServerAuditRecord lifted = only(audit, EventType.SOURCE_UNBLOCKED);
        assertThat(lifted.event().actor()).isEqualTo("operator:test");
        assertThat(lifted.event().details()).containsEntry("reason", "false alarm");
    }

    @StorageTest
    void failuresSprayedFromManySourcesKeepOnlyTheMostRecentOnesCounted(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        BlockStore store = new BlockStore(test.database(), audit, clock);
        SourceBlocks blocks =
                new SourceBlocks(store, new ServerConfig.Blocking(2, null, null, null, 100), Runnable::run, clock);
        InetAddress patient = InetAddress.getByName("192.0.2.1");
        InetAddress persistent = InetAddress.getByName("192.0.2.2");
        blocks.failed(patient, SourceFailure.TOKEN);
        blocks.failed(persistent, SourceFailure.TOKEN);
        for (int i = 0; i < 1_000; i++) { // an IPv6 sprayer: a new address of its /64 for each failure
            blocks.failed(InetAddress.getByName("2001:db8::" + Integer.toHexString(i + 1)), SourceFailure.HANDSHAKE);
            assertThat(blocks.countedSources()).isLessThanOrEqualTo(100);
            if (i == 50) {
                blocks.failed(persistent, SourceFailure.TOKEN); // its second failure, while still counted
            }
        }
        assertThat(blocks.countedSources()).isEqualTo(100);
        assertThat(blocks.isBlocked(persistent)).isTrue();

        blocks.failed(patient, SourceFailure.TOKEN); // its first failure was forgotten
        assertThat(blocks.isBlocked(patient)).isFalse();
        blocks.failed(patient, SourceFailure.TOKEN);
        assertThat(blocks.isBlocked(patient)).isTrue();
        assertThat(store.active()).extracting(SourceBlock::source).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    }

    private static ServerAuditRecord only(ServerAuditLog audit, EventType type) {
        List<ServerAuditRecord> records = audit.list(0, ServerAuditLog.MAX_LIST_LIMIT).stream()
                .filter(r -> r.event().type() == type)
                .toList();
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
