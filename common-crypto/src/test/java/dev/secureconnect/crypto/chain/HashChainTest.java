package dev.secureconnect.crypto.chain;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HashChainTest {

    private static final List<String> RECORDS = List.of(
            "{\"seq\":1,\"event\":\"session-opened\"}",
            "{\"seq\":2,\"event\":\"stream-opened\"}",
            "{\"seq\":3,\"event\":\"session-closed\"}");

    @Test
    void genesisIs64Zeros() {
        assertThat(HashChain.GENESIS).hasSize(64).matches("0{64}");
    }

    @Test
    void linkIsSha256OfThePreviousHexHashANewlineAndTheRecord() {
        // printf '%s\n%s' 000…0 record-1 | sha256sum, and the same again over that hash and record-2
        String first = HashChain.link(HashChain.GENESIS, "record-1".getBytes(UTF_8));
        assertThat(first).isEqualTo("1e13077cba6227e1a3e1e7f08d4ecaeb357a34b2f367dfe65fe0fbd4b5b2ec73");
        assertThat(HashChain.link(first, "record-2".getBytes(UTF_8)))
                .isEqualTo("575d010a8f4f36962cdd12b9cc62a19e6bb179bb9bbddd1f99912978449ca94e");
    }

    @Test
    void linkIsDeterministicLowerCaseHex() {
        byte[] record = RECORDS.get(0).getBytes(UTF_8);
        String hash = HashChain.link(HashChain.GENESIS, record);

        assertThat(HashChain.link(HashChain.GENESIS, record.clone())).isEqualTo(hash);
        assertThat(hash).matches("[0-9a-f]{64}");
    }

    @Test
    void differentInputGivesADifferentHash() {
        byte[] record = RECORDS.get(0).getBytes(UTF_8);
        String hash = HashChain.link(HashChain.GENESIS, record);

        byte[] oneBitOff = record.clone();
        oneBitOff[5] ^= 0x01;
        assertThat(HashChain.link(HashChain.GENESIS, oneBitOff)).isNotEqualTo(hash);
        assertThat(HashChain.link(HashChain.GENESIS, new byte[0])).isNotEqualTo(hash);
        String otherPrevious = "1" + HashChain.GENESIS.substring(1);
        assertThat(HashChain.link(otherPrevious, record)).isNotEqualTo(hash);
    }

    static Stream<Arguments> tamperings() {
        return Stream.of(
                Arguments.of("fail/first-record-edited", edit(0)),
                Arguments.of("fail/middle-record-edited", edit(1)),
                Arguments.of("fail/last-record-edited", edit(2)),
                Arguments.of("fail/first-record-removed", remove(0)),
                Arguments.of("fail/middle-record-removed", remove(1)),
                Arguments.of("fail/last-record-removed", remove(2)),
                Arguments.of("fail/first-two-swapped", swap(0, 1)),
                Arguments.of("fail/last-two-swapped", swap(1, 2)),
                Arguments.of("fail/record-duplicated", duplicate(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void tamperingWithAnyRecordChangesTheHead(String name, List<String> tampered) {
        assertThat(tampered).isNotEqualTo(RECORDS);
        assertThat(head(tampered)).isNotEqualTo(head(RECORDS));
    }

    @Test
    void theSameRecordsGiveTheSameHead() {
        assertThat(head(new ArrayList<>(RECORDS))).isEqualTo(head(RECORDS)).isNotEqualTo(HashChain.GENESIS);
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> HashChain.link(null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> HashChain.link(HashChain.GENESIS, null)).isInstanceOf(NullPointerException.class);
    }

    private static String head(List<String> records) {
        String hash = HashChain.GENESIS;
        for (String record : records) {
            hash = HashChain.link(hash, record.getBytes(UTF_8));
        }
        return hash;
    }

    private static List<String> edit(int index) {
        List<String> records = new ArrayList<>(RECORDS);
        records.set(index, records.get(index).replace("\"seq\"", "\"seq\" "));
        return records;
    }

    private static List<String> remove(int index) {
        List<String> records = new ArrayList<>(RECORDS);
        records.remove(index);
        return records;
    }

    private static List<String> swap(int i, int j) {
        List<String> records = new ArrayList<>(RECORDS);
        java.util.Collections.swap(records, i, j);
        return records;
    }

    private static List<String> duplicate(int index) {
        List<String> records = new ArrayList<>(RECORDS);
        records.add(index, records.get(index));
        return records;
    }
}
