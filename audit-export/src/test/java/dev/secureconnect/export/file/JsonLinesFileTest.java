package dev.secureconnect.export.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.TestEvents;
import dev.secureconnect.export.format.JsonEventFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void appendsOneJsonLinePerEventInNewDirectories() throws Exception {
        Path path = dir.resolve("offsite/secureconnect/audit.jsonl");

        try (JsonLinesFile file = new JsonLinesFile(JsonLinesSettings.of(path), TestEvents.ORIGIN)) {
            file.deliver(TestEvents.events(1, 3));
            file.deliver(List.of(TestEvents.nasty())); // line breaks in values stay escaped: still one line
            assertThat(file.describe()).isEqualTo("file " + path);
        }

        String text = Files.readString(path, StandardCharsets.UTF_8);
        assertThat(text).endsWith("}\n");
        assertThat(seqs(path)).containsExactly(1L, 2L, 3L, 7L);
        assertThat(text.lines().findFirst().orElseThrow()).isEqualTo(json(TestEvents.withSeq(1)));
    }

    @Test
    void aNewFileIsReadableByOwnerAndGroupOnly() throws Exception {
        Path path = dir.resolve("audit.jsonl");
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class));

        try (JsonLinesFile file = new JsonLinesFile(JsonLinesSettings.of(path), TestEvents.ORIGIN)) {
            file.deliver(TestEvents.events(1, 1));
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                .isEqualTo("rw-r-----");
    }

    @Test
    void rotationLosesAndSplitsNoLine() throws Exception {
        Path path = dir.resolve("audit.jsonl");
        long lineBytes = (json(TestEvents.withSeq(100)) + "\n").getBytes(StandardCharsets.UTF_8).length;
        long maxBytes = lineBytes * 5 + lineBytes / 2; // five lines fit, the sixth does not

        try (JsonLinesFile file = new JsonLinesFile(new JsonLinesSettings(path, maxBytes, 100), TestEvents.ORIGIN)) {
            for (long from = 100; from <= 190; from += 7) {
                file.deliver(TestEvents.events(from, Math.min(from + 6, 190)));
            }
        }

        List<Long> all = new ArrayList<>();
        for (int n = 100; n >= 1; n--) {
            Path rotated = path.resolveSibling("audit.jsonl." + n);
            if (Files.exists(rotated)) {
                assertThat(Files.size(rotated)).isLessThanOrEqualTo(maxBytes);
                assertThat(seqs(rotated)).hasSize(5);
                all.addAll(seqs(rotated));
            }
        }
        all.addAll(seqs(path));
        assertThat(all)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(100, 190).boxed().toList());
        assertThat(path.resolveSibling("audit.jsonl.18")).exists();
        assertThat(path.resolveSibling("audit.jsonl.19")).doesNotExist();
    }

    @Test
    void rotationKeepsTheNewestFiles() throws Exception {
        Path path = dir.resolve("audit.jsonl");
        long lineBytes = (json(TestEvents.withSeq(100)) + "\n").getBytes(StandardCharsets.UTF_8).length;

        try (JsonLinesFile file = new JsonLinesFile(new JsonLinesSettings(path, lineBytes * 2, 3), TestEvents.ORIGIN)) {
            for (long seq = 100; seq < 120; seq++) {
                file.deliver(TestEvents.events(seq, seq));
            }
        }

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.jsonl.3");
        }
        assertThat(seqs(path)).containsExactly(118L, 119L);
        assertThat(seqs(path.resolveSibling("audit.jsonl.1"))).containsExactly(116L, 117L);
        assertThat(seqs(path.resolveSibling("audit.jsonl.3"))).containsExactly(112L, 113L);
    }

    @Test
    void aLineLongerThanTheLimitGoesAloneIntoAFreshFile() throws Exception {
        Path path = dir.resolve("audit.jsonl");
        ExportedEvent big = withDetail(TestEvents.withSeq(2), "x".repeat(4000));

        try (JsonLinesFile file = new JsonLinesFile(new JsonLinesSettings(path, 1000, 5), TestEvents.ORIGIN)) {
            file.deliver(List.of(TestEvents.withSeq(1), big, TestEvents.withSeq(3)));
        }

        assertThat(seqs(path.resolveSibling("audit.jsonl.2"))).containsExactly(1L);
        assertThat(seqs(path.resolveSibling("audit.jsonl.1"))).containsExactly(2L);
        assertThat(seqs(path)).containsExactly(3L);
    }

    @Test
    void aPathThatCannotBeCreatedFailsNamingItAndTheReason() throws Exception {
        Path regularFile = Files.writeString(dir.resolve("not-a-directory"), "x");
        Path path = regularFile.resolve("audit.jsonl");

        try (JsonLinesFile file = new JsonLinesFile(JsonLinesSettings.of(path), TestEvents.ORIGIN)) {
            assertThatThrownBy(() -> file.deliver(TestEvents.events(1, 1)))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("file " + path + ": cannot write: Not a directory (" + regularFile + ")");

            // the mount is back: the next delivery starts afresh
            Files.delete(regularFile);
            file.deliver(TestEvents.events(1, 1));
        }
        assertThat(seqs(path)).containsExactly(1L);
    }

    @Test
    void aReadOnlyDirectoryFailsWithTheSystemsReason() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class));
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: the directory stays writable");
            Path path = readOnly.resolve("audit.jsonl");
            try (JsonLinesFile file = new JsonLinesFile(JsonLinesSettings.of(path), TestEvents.ORIGIN)) {
                assertThatThrownBy(() -> file.deliver(TestEvents.events(1, 1)))
                        .isInstanceOf(DeliveryException.class)
                        .hasMessage("file " + path + ": cannot write: Permission denied");
            }
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new JsonLinesSettings(dir.resolve("a"), 0, 10))
                .hasMessage("maxBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> new JsonLinesSettings(dir.resolve("a"), 10, 0)).hasMessage("keep: 0 (expected: >= 1)");
        assertThat(JsonLinesSettings.of(dir.resolve("a")).maxBytes()).isEqualTo(100L * 1024 * 1024);
    }

    private static String json(ExportedEvent event) {
        return JsonEventFormat.line(event, TestEvents.ORIGIN);
    }

    private static ExportedEvent withDetail(ExportedEvent event, String value) {
        return new ExportedEvent(
                event.seq(),
                event.time(),
                event.type(),
                event.outcome(),
                event.actor(),
                event.applianceSerial(),
                event.ticket(),
                event.sessionId(),
                event.sourceAddress(),
                Map.of("padding", value),
                event.hash());
    }

    /** The seq of every line, each line parsed as one JSON object. */
    private static List<Long> seqs(Path file) throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode json = MAPPER.readTree(line);
            assertThat(json.isObject()).as(line).isTrue();
            seqs.add(json.get("seq").asLong());
        }
        return seqs;
    }
}
