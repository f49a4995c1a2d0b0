package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.testing.DirectorySnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sc-pki audit verify} on an intact issuance log and on copies of it that were edited, cut or reordered.
 * The log of the shared CA has five entries: init, issue SN-A, issue SN-B, issue server, revoke SN-A.
 */
class AuditVerifyTest {

    private static final PkiCli CLI = PkiCli.admin();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BODY_FIELDS =
            List.of("seq", "time", "actor", "action", "role", "serial", "identity", "detail");

    @TempDir
    static Path work;

    private static Path ca;

    @BeforeAll
    static void createCaWithFiveLogEntries() {
        ca = CLI.init(work.resolve("ca"));
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-A",
                "--out",
                work.resolve("a").toString());
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-B",
                "--out",
                work.resolve("b").toString());
        CLI.ok(
                "issue",
                "server",
                "--dir",
                ca.toString(),
                "--dns",
                "support.example.com",
                "--out",
                work.resolve("s").toString());
        CLI.ok(
                "revoke",
                "--dir",
                ca.toString(),
                "--serial",
                CaDirectory.serialHex(Pem.readCertificate(work.resolve("a").resolve("cert.pem"))));
        assertThat(lines(ca)).hasSize(5);
    }

    @Test
    void passesOnTheIntactLog() {
        DirectorySnapshot before = DirectorySnapshot.of(ca);

        PkiCli.Result result = CLI.ok("audit", "verify", "--dir", ca.toString());

        assertThat(result.outLines())
                .singleElement()
                .asString()
                .contains("issuance log of " + ca
                        + " is intact: 5 entries, hash chain and issuing CA signatures verified");
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void theLogRecordsWhoDidWhatAndWhen() {
        List<JsonNode> entries = lines(ca).stream().map(AuditVerifyTest::parse).toList();

        assertThat(entries)
                .extracting(entry -> entry.get("action").asText())
                .containsExactly("init", "issue", "issue", "issue", "revoke");
        assertThat(entries)
                .extracting(entry -> entry.get("identity").asText())
                .containsExactly("Acme Root CA", "SN-A", "SN-B", "support.example.com", "SN-A");
        assertThat(entries)
                .allSatisfy(entry -> assertThat(entry.get("actor").asText()).isEqualTo("pki-admin@test-host"));
        assertThat(entries.get(4).get("detail").asText()).isEqualTo("reason unspecified");
    }

    static Stream<Arguments> tamperings() {
        return Stream.of(
                Arguments.of(
                        "fail/edited-identity",
                        (UnaryOperator<List<String>>) log -> {
                            List<String> edited = new ArrayList<>(log);
                            assertThat(edited.get(2)).contains("\"identity\":\"SN-B\"");
                            edited.set(2, edited.get(2).replace("\"identity\":\"SN-B\"", "\"identity\":\"SN-Z\""));
                            return edited;
                        },
                        "issuance log entry 3 was edited"),
                Arguments.of(
                        "fail/edited-time",
                        (UnaryOperator<List<String>>) log -> {
                            List<String> edited = new ArrayList<>(log);
                            edited.set(3, edited.get(3).replaceFirst("\"time\":\"\\d{4}", "\"time\":\"1999"));
                            assertThat(edited.get(3)).isNotEqualTo(log.get(3));
                            return edited;
                        },
                        "issuance log entry 4 was edited"),
                Arguments.of(
                        "fail/removed-middle-entry",
                        (UnaryOperator<List<String>>) log -> {
                            List<String> cut = new ArrayList<>(log);
                            cut.remove(2);
                            return cut;
                        },
                        "issuance log line 3 has seq 4 where 3 was expected"),
                Arguments.of(
                        "fail/swapped-entries",
                        (UnaryOperator<List<String>>) log -> {
                            List<String> swapped = new ArrayList<>(log);
                            Collections.swap(swapped, 2, 3);
                            return swapped;
                        },
                        "issuance log line 3 has seq 4 where 3 was expected"),
                Arguments.of(
                        "fail/removed-last-entry",
                        (UnaryOperator<List<String>>) log -> log.subList(0, 4),
                        "issuance log ends at entry 4 but the index records entry 5"),
                Arguments.of(
                        "fail/removed-first-entry",
                        (UnaryOperator<List<String>>) log -> log.subList(1, 5),
                        "issuance log line 1 has seq 2 where 1 was expected"),
                Arguments.of(
                        "fail/garbled-entry",
                        (UnaryOperator<List<String>>) log -> {
                            List<String> garbled = new ArrayList<>(log);
                            garbled.set(1, garbled.get(1).substring(0, 40));
                            return garbled;
                        },
                        "issuance log line 2 is not a valid entry"),
                Arguments.of(
                        "fail/emptied-log",
                        (UnaryOperator<List<String>>) log -> List.of(),
                        "issuance log ends at entry 0 but the index records entry 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void detectsATamperedLog(String name, UnaryOperator<List<String>> tamper, String problem, @TempDir Path copy) {
        Path tampered = copyOf(ca, copy.resolve("ca"));
        writeLines(tampered, tamper.apply(lines(tampered)));

        assertRefused(tampered, problem);
    }

    @Test
    void detectsAnEditedEntryWhoseHashChainWasRecomputed(@TempDir Path copy) throws IOException {
        Path tampered = copyOf(ca, copy.resolve("ca"));
        List<String> log = lines(tampered);
        assertThat(rechain(log, 0))
                .as("recomputing the untouched chain reproduces it")
                .isEqualTo(log);

        List<String> edited = new ArrayList<>(log);
        edited.set(2, edited.get(2).replace("\"identity\":\"SN-B\"", "\"identity\":\"SN-Z\""));
        List<String> rechained = rechain(edited, 2);
        writeLines(tampered, rechained);
        ObjectNode index =
                (ObjectNode) JSON.readTree(tampered.resolve("index.json").toFile());
        index.put("logHead", parse(rechained.get(4)).get("hash").asText());
        Files.write(
                tampered.resolve("index.json"),
                JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(index));

        assertRefused(tampered, "issuance log entry 3 has a signature that the issuing CA did not make");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static void assertRefused(Path tampered, String problem) {
        DirectorySnapshot before = DirectorySnapshot.of(tampered);
        String[] args = {"audit", "verify", "--dir", tampered.toString()};

        PkiCli.Result result = CLI.run(args);

        BadInputTest.assertOneLineError(result, 1, problem, args);
        assertThat(before.changesSince()).isEmpty();
    }

    /** Recomputes prevHash and hash from line {@code from} on, keeping every signature as it was. */
    private static List<String> rechain(List<String> log, int from) {
        List<String> out = new ArrayList<>(log.subList(0, from));
        String previous = from == 0
                ? HashChain.GENESIS
                : parse(log.get(from - 1)).get("hash").asText();
        for (String line : log.subList(from, log.size())) {
            ObjectNode entry = (ObjectNode) parse(line);
            ObjectNode body = JSON.createObjectNode();
            for (String field : BODY_FIELDS) {
                if (entry.hasNonNull(field)) {
                    body.set(field, entry.get(field));
                }
            }
            String hash;
            try {
                hash = HashChain.link(previous, JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            entry.put("prevHash", previous).put("hash", hash);
            try {
                out.add(JSON.writeValueAsString(entry));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            previous = hash;
        }
        return out;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("issuance.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeLines(Path dir, List<String> lines) {
        try {
            Files.write(dir.resolve("issuance.log"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copyOf(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Files.copy(
                        file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
