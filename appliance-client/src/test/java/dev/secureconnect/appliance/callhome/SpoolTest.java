package dev.secureconnect.appliance.callhome;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool keeps bundles in the order they were made, across a restart, and drops the oldest past its bounds. */
class SpoolTest {

    private static final String SHA = "0".repeat(64);

    @TempDir
    Path dir;

    private static String id(int n) {
        return String.format("00000000-0000-4000-8000-%012d", n);
    }

    @Test
    void bundlesComeOutInTheOrderTheyWentIn() {
        Spool spool = new Spool(dir.resolve("spool"), 10, 1 << 20);
        for (int i = 1; i <= 12; i++) {
            spool.add(id(i), SHA, new byte[] {(byte) i});
        }

        Spool reopened = new Spool(dir.resolve("spool"), 10, 1 << 20); // as after a restart
        List<Spool.Entry> entries = reopened.entries();
        assertThat(entries)
                .extracting(Spool.Entry::id)
                .containsExactly(id(3), id(4), id(5), id(6), id(7), id(8), id(9), id(10), id(11), id(12));
        assertThat(reopened.read(entries.get(0))).containsExactly(3);
        reopened.remove(entries.get(0));
        reopened.add(id(13), SHA, new byte[] {13});
        assertThat(reopened.entries())
                .extracting(Spool.Entry::id)
                .endsWith(id(12), id(13))
                .startsWith(id(4));
    }

    @Test
    void theOldestAreDroppedPastTheByteBoundAndSaySo() {
        Spool spool = new Spool(dir.resolve("spool"), 100, 2500);

        assertThat(spool.add(id(1), SHA, new byte[1000])).isEmpty();
        assertThat(spool.add(id(2), SHA, new byte[1000])).isEmpty();
        List<Spool.Entry> dropped = spool.add(id(3), SHA, new byte[1000]);

        assertThat(dropped).extracting(Spool.Entry::id).containsExactly(id(1));
        assertThat(spool.entries()).extracting(Spool.Entry::id).containsExactly(id(2), id(3));
        assertThat(Files.exists(dropped.get(0).file())).isFalse();
    }

    @Test
    void aBundleLargerThanTheWholeSpoolIsStillKeptAlone() {
        Spool spool = new Spool(dir.resolve("spool"), 100, 1000);
        spool.add(id(1), SHA, new byte[10]);

        List<Spool.Entry> dropped = spool.add(id(2), SHA, new byte[5000]);

        assertThat(dropped).extracting(Spool.Entry::id).containsExactly(id(1));
        assertThat(spool.entries()).extracting(Spool.Entry::id).containsExactly(id(2));
    }

    @Test
    void filesThatAreNotBundlesAreIgnored() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), 10, 1 << 20);
        spool.add(id(1), SHA, new byte[] {1});
        Files.writeString(dir.resolve("spool").resolve("notes.txt"), "x");

        assertThat(spool.entries()).extracting(Spool.Entry::id).containsExactly(id(1));
    }
}
