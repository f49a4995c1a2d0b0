package dev.secureconnect.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixturesTest {

    @TempDir
    Path work;

    @Test
    void eventuallyReturnsTheFirstValueThatIsDone() {
        AtomicInteger probes = new AtomicInteger();
        assertThat(Eventually.await("three probes", probes::incrementAndGet, n -> n == 3))
                .isEqualTo(3);
        Eventually.within(Duration.ofSeconds(5), "four probes", () -> probes.incrementAndGet() == 4);
    }

    @Test
    void eventuallyFailsNamingWhatDidNotHappen() {
        assertThatThrownBy(() -> Eventually.within(Duration.ofMillis(50), "the impossible", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the impossible did not happen within");
    }

    @Test
    void aSnapshotListsWhatChanged() throws IOException {
        Files.writeString(work.resolve("kept"), "same");
        Files.writeString(work.resolve("altered"), "before");
        Files.writeString(work.resolve("removed"), "x");
        DirectorySnapshot before = DirectorySnapshot.of(work);
        assertThat(before.changesSince()).isEmpty();
        Files.writeString(work.resolve("altered"), "after");
        Files.delete(work.resolve("removed"));
        Files.writeString(work.resolve("added"), "new");
        assertThat(before.changesSince())
                .hasSize(3)
                .anySatisfy(c -> assertThat(c).startsWith("changed altered"))
                .contains("removed removed")
                .anySatisfy(c -> assertThat(c).startsWith("added added"));
    }

    @Test
    void pkiFilesAreWrittenAsScPkiIssueWritesThem() {
        PkiFiles files = PkiFiles.appliance(work.resolve("issued"), "SN-FIXTURE-1");
        assertThat(files.dir()).isEqualTo(work.resolve("issued"));
        assertThat(files.cert()).content().startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(files.key()).exists();
        assertThat(PkiFiles.writeCrl(work.resolve("crl.pem"))).content().startsWith("-----BEGIN X509 CRL-----");
    }
}
