package dev.secureconnect.crypto.chain;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.chain.ChainWalk.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainWalkTest {

    /** One stored record: its number, its link, its hash and the bytes the hash covers. */
    record Stored(long seq, String prevHash, String hash, byte[] canonical) {
        Step walk(ChainWalk chain) {
            return chain.next(seq, prevHash, hash, canonical);
        }
    }

    private static List<Stored> chain(int count) {
        List<Stored> records = new ArrayList<>();
        String previous = HashChain.GENESIS;
        for (int seq = 1; seq <= count; seq++) {
            byte[] canonical = ("record-" + seq).getBytes(UTF_8);
            String hash = HashChain.link(previous, canonical);
            records.add(new Stored(seq, previous, hash, canonical));
            previous = hash;
        }
        return records;
    }

    @Test
    void anIntactChainLinksToTheEnd() {
        List<Stored> records = chain(3);
        ChainWalk walk = ChainWalk.fromGenesis();
        assertThat(walk.lastSeq()).isZero();
        assertThat(walk.lastHash()).isEqualTo(HashChain.GENESIS);

        for (Stored record : records) {
            assertThat(record.walk(walk)).isEqualTo(Step.LINKED);
        }

        assertThat(walk.lastSeq()).isEqualTo(3);
        assertThat(walk.expectedSeq()).isEqualTo(4);
        assertThat(walk.lastHash()).isEqualTo(records.get(2).hash());
    }

    @Test
    void aMissingRecordIsOutOfSequenceAndTheWalkStaysBeforeIt() {
        List<Stored> records = chain(3);
        ChainWalk walk = ChainWalk.fromGenesis();
        records.get(0).walk(walk);

        assertThat(records.get(2).walk(walk)).isEqualTo(Step.OUT_OF_SEQUENCE);
        assertThat(walk.expectedSeq()).isEqualTo(2);
        assertThat(walk.lastHash()).isEqualTo(records.get(0).hash());
    }

    @Test
    void aRecordLinkedElsewhereIsABrokenLink() {
        List<Stored> records = chain(3);
        Stored second = records.get(1);
        ChainWalk walk = ChainWalk.fromGenesis();
        records.get(0).walk(walk);

        Stored relinked = new Stored(2, records.get(2).hash(), second.hash(), second.canonical());
        assertThat(relinked.walk(walk)).isEqualTo(Step.BROKEN_LINK);
        assertThat(new Stored(1, "1" + HashChain.GENESIS.substring(1), "x", new byte[0]).walk(ChainWalk.fromGenesis()))
                .isEqualTo(Step.BROKEN_LINK);
    }

    @Test
    void anEditedRecordOrHashIsAHashMismatch() {
        Stored first = chain(1).get(0);

        Stored edited = new Stored(1, first.prevHash(), first.hash(), "record-X".getBytes(UTF_8));
        Stored rehashed = new Stored(1, first.prevHash(), HashChain.GENESIS, first.canonical());
        assertThat(edited.walk(ChainWalk.fromGenesis())).isEqualTo(Step.HASH_MISMATCH);
        assertThat(rehashed.walk(ChainWalk.fromGenesis())).isEqualTo(Step.HASH_MISMATCH);
    }

    @Test
    void anExcerptTakesItsFirstLinkAsItIs() {
        List<Stored> records = chain(5);
        ChainWalk walk = ChainWalk.from(3);
        assertThat(walk.lastSeq()).isEqualTo(2);
        assertThat(walk.lastHash()).isNull();

        assertThat(records.get(2).walk(walk)).isEqualTo(Step.LINKED);
        assertThat(records.get(3).walk(walk)).isEqualTo(Step.LINKED);
        assertThat(walk.lastHash()).isEqualTo(records.get(3).hash());

        Stored fifth = records.get(4);
        Stored relinked = new Stored(5, records.get(2).hash(), fifth.hash(), fifth.canonical());
        assertThat(relinked.walk(walk)).isEqualTo(Step.BROKEN_LINK);
        assertThat(records.get(0).walk(ChainWalk.from(3))).isEqualTo(Step.OUT_OF_SEQUENCE);
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> ChainWalk.fromGenesis().next(1, null, "x", new byte[0]))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ChainWalk.fromGenesis().next(1, HashChain.GENESIS, "x", null))
                .isInstanceOf(NullPointerException.class);
    }
}
