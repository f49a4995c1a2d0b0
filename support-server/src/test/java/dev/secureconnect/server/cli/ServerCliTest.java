package dev.secureconnect.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code sc-server} admin commands run in-process against a real SQLite file. */
class ServerCliTest {

    record Result(int exitCode, String out, String err) {}

    @TempDir
    Path temp;

    Path files;
    Path dir;

    @BeforeEach
    void writeCertificates() throws IOException {
        TestPki pki = TestPki.shared();
        files = Files.createDirectories(temp.resolve("files"));
        TestPki.Issued server = pki.server();
        Files.writeString(files.resolve("cert.pem"), Pem.certificates(List.of(server.certificate())));
        Files.writeString(files.resolve("key.pem"), Pem.privateKey(server.privateKey()));
        Files.writeString(files.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        Files.writeString(files.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Files.writeString(files.resolve("crl.pem"), Pem.crl(pki.revocationList()));
        TestPki.Issued appliance = pki.appliance("SN-CLI");
        Files.writeString(files.resolve("appliance.pem"), Pem.certificates(List.of(appliance.certificate())));
        Files.writeString(files.resolve("appliance-key.pem"), Pem.privateKey(appliance.privateKey()));
        dir = temp.resolve("server");
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScServer.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    Result init() {
        return initReplacing("none", "none");
    }

    /** {@code init} with the standard files, except {@code file} replaced by {@code replacement}. */
    Result initReplacing(String file, String replacement) {
        List<String> args = new java.util.ArrayList<>(List.of("init", "--dir", dir.toString()));
        for (String[] option : new String[][] {
            {"--cert", "cert.pem"},
            {"--key", "key.pem"},
            {"--chain", "chain.pem"},
            {"--ca", "ca.pem"},
            {"--crl", "crl.pem"}
        }) {
            args.add(option[0]);
            String chosen = option[1].equals(file) ? replacement : option[1];
            if (option[1].equals("key.pem") && replacement.equals("appliance.pem")) {
                chosen = "appliance-key.pem"; // a whole appliance identity in place of the server's
            }
            args.add(files.resolve(chosen).toString());
        }
        args.addAll(List.of("--appliance-listen", "127.0.0.1:0"));
        return run(args.toArray(String[]::new));
    }

    static void assertOneLineError(Result result, int exitCode, String contains) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        assertThat(result.err().lines().toList()).hasSize(1);
        assertThat(result.err()).startsWith("sc-server: ").contains(contains).doesNotContain("\tat ");
    }

    @Test
    void anUnknownCommandIsAUsageErrorEvenWithHelp() {
        for (String[] args : new String[][] {{"nosuch"}, {"engineers", "rename", "--help"}, {"engineers", "rename"}}) {
            Result result = run(args);
            assertOneLineError(result, 2, "Unmatched argument");
            assertThat(result.out()).isEmpty();
        }
        assertOneLineError(run("engineers", "rename", "--help"), 2, "'rename' (see 'sc-server engineers --help')");
    }

    @Test
    void debugIsTakenByEveryCommandAndARefusalStaysOneLine() {
        Result result = run("tickets", "list", "--debug", "--dir", dir.toString());
        assertOneLineError(result, 1, "");
        assertThat(result.err()).doesNotContain("unexpected failure");
    }

    @Test
    void initCreatesAReadyDirectory() throws IOException {
        Result result = init();
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(dir.resolve("server.yaml")).exists();
        assertThat(dir.resolve("server.db")).exists();
        assertThat(Files.getPosixFilePermissions(dir.resolve("tls/key.pem")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dir.resolve("server.yaml")))
                .contains("port: 0")
                .contains(files.resolve("crl.pem").toString());
    }

    static Stream<Arguments> badInit() {
        return Stream.of(
                Arguments.of("fail/missing-cert", "cert.pem", "missing.pem", "does not exist"),
                Arguments.of("fail/appliance-cert-as-server", "cert.pem", "appliance.pem", "appliance certificate"),
                Arguments.of("fail/key-of-another-cert", "key.pem", "appliance-key.pem", "does not belong"),
                Arguments.of("fail/corrupted-chain", "chain.pem", "garbage.pem", "garbage.pem"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInit")
    void badInitLeavesNothingBehind(String name, String option, String replacement, String message) throws IOException {
        Files.writeString(
                files.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        Result result = initReplacing(option, replacement);
        assertOneLineError(result, 1, message);
        assertThat(dir).doesNotExist();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("files");
        }
    }

    @Test
    void initRefusesAnExistingServer() {
        assertThat(init().exitCode()).isZero();
        assertOneLineError(init(), 1, "already holds a server");
    }

    @Test
    void unknownOrMistypedConfigKeysAreNamed() throws IOException {
        assertThat(init().exitCode()).isZero();
        Path yaml = dir.resolve("server.yaml");
        String original = Files.readString(yaml);
        Files.writeString(yaml, original + "colour: blue\n");
        assertOneLineError(run("tickets", "list", "--dir", dir.toString()), 1, "unknown key 'colour'");
        Files.writeString(yaml, original.replace("maxConcurrentStreams: 256", "maxConcurrentStreams: many"));
        assertOneLineError(run("tickets", "list", "--dir", dir.toString()), 1, "link.maxConcurrentStreams");
        Files.writeString(yaml, original.replace("keepAliveInterval: PT20S", "keepAliveInterval: often"));
        assertOneLineError(run("tickets", "list", "--dir", dir.toString()), 1, "link.keepAliveInterval");
    }

    @Test
    void ticketsOpenListCloseAndTheAuditLogRecordsThem() {
        assertThat(init().exitCode()).isZero();
        Result opened =
                run("tickets", "open", "--dir", dir.toString(), "--title", "disk full", "--appliance", "SN-CLI");
        assertThat(opened.exitCode()).as(opened.err()).isZero();
        String number = opened.out().trim();
        assertThat(number).matches("\\d{8}");
        assertThat(run("tickets", "list", "--dir", dir.toString()).out())
                .contains(number)
                .contains("open")
                .contains("disk full");
        assertThat(run("tickets", "list", "--dir", dir.toString(), "--json").out())
                .contains("\"number\" : \"" + number + "\"");
        assertThat(run("tickets", "close", "--dir", dir.toString(), " " + number + " ")
                        .exitCode())
                .isZero();
        assertOneLineError(run("tickets", "close", "--dir", dir.toString(), number), 1, "already closed");
        assertOneLineError(run("tickets", "close", "--dir", dir.toString(), "1234567"), 1, "exactly 8 digits");
        assertOneLineError(run("tickets", "close", "--dir", dir.toString(), "99999999"), 1, "99999999");
        Result audit = run("audit", "list", "--dir", dir.toString());
        assertThat(audit.out()).contains("ticket.opened").contains("ticket.closed");
        assertThat(run("audit", "verify", "--dir", dir.toString()).out()).contains("audit log intact: 2 record(s)");
    }

    /** An admin command's record comes first: with the database locked by another process, nothing changes. */
    @Test
    void adminCommandsFailClosedWhileTheAuditLogCannotCommit() throws Exception {
        assertThat(init().exitCode()).isZero();
        String yaml = Files.readString(dir.resolve("server.yaml"));
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("server.db"));
                Statement statement = locker.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");
            assertOneLineError(
                    run("tickets", "open", "--dir", dir.toString(), "--title", "disk full"), 1, "SQLITE_BUSY");
            assertOneLineError(
                    run(
                            "sinks",
                            "add",
                            "--dir",
                            dir.toString(),
                            "--name",
                            "offsite",
                            "--type",
                            "file",
                            "--path",
                            temp.resolve("offsite.jsonl").toString()),
                    1,
                    "SQLITE_BUSY");
            statement.execute("ROLLBACK");
        }
        assertThat(Files.readString(dir.resolve("server.yaml"))).isEqualTo(yaml);
        assertThat(run("tickets", "list", "--dir", dir.toString()).out()).doesNotContain("disk full");
        assertThat(run("audit", "verify", "--dir", dir.toString()).out()).contains("audit log intact: 0 record(s)");
    }

    @Test
    void auditVerifyFindsAnEditedRow() throws Exception {
        assertThat(init().exitCode()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(run("tickets", "open", "--dir", dir.toString(), "--title", "t" + i)
                            .exitCode())
                    .isZero();
        }
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("server.db"));
                Statement statement = sql.createStatement()) {
            dropTriggers(statement);
            statement.executeUpdate("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2");
        }
        Result verify = run("audit", "verify", "--dir", dir.toString());
        assertOneLineError(verify, 1, "seq 2");
    }

    @Test
    void sinksAreAddedCheckedListedTestedAndRemovedInServerYaml() throws Exception {
        assertThat(init().exitCode()).isZero();
        Path offsite = temp.resolve("offsite/audit.jsonl");

        Result added = run(
                "sinks",
                "add",
                "--dir",
                dir.toString(),
                "--name",
                "offsite",
                "--type",
                "file",
                "--path",
                offsite.toString(),
                "--min-severity",
                "notice");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("added sink offsite: file " + offsite);
        assertThat(Files.readString(dir.resolve("server.yaml")))
                .contains("name: offsite")
                .startsWith("# SecureConnect");
        assertThat(run("sinks", "list", "--dir", dir.toString()).out())
                .contains("offsite")
                .contains("severity <= notice");

        assertOneLineError(
                run(
                        "sinks",
                        "add",
                        "--dir",
                        dir.toString(),
                        "--name",
                        "offsite",
                        "--type",
                        "file",
                        "--path",
                        offsite.toString()),
                1,
                "exists already");
        assertOneLineError(
                run("sinks", "add", "--dir", dir.toString(), "--name", "siem", "--type", "syslog"),
                1,
                "'target' is required");
        assertOneLineError(
                run(
                        "sinks",
                        "add",
                        "--dir",
                        dir.toString(),
                        "--name",
                        "siem",
                        "--type",
                        "syslog",
                        "--target",
                        "127.0.0.1:6514",
                        "--transport",
                        "tls",
                        "--ca",
                        "missing.pem"),
                1,
                "does not exist");
        assertOneLineError(
                run(
                        "sinks",
                        "add",
                        "--dir",
                        dir.toString(),
                        "--name",
                        "siem",
                        "--type",
                        "syslog",
                        "--target",
                        "127.0.0.1:514",
                        "--format",
                        "gelf"),
                1,
                "format 'gelf' is not one of rfc5424, cef, leef, json");
        assertOneLineError(
                run(
                        "sinks",
                        "add",
                        "--dir",
                        dir.toString(),
                        "--name",
                        "siem",
                        "--type",
                        "file",
                        "--path",
                        "x",
                        "--categories",
                        "nonsense"),
                1,
                "category 'nonsense' is unknown");

        Result test = run("sinks", "test", "--dir", dir.toString(), "offsite");
        assertThat(test.exitCode()).as(test.err()).isZero();
        assertThat(Files.readString(offsite)).contains("\"event\":\"sink.test\"");
        Result status = run("sinks", "status", "--dir", dir.toString(), "--json");
        assertThat(status.out()).contains("\"name\" : \"offsite\"").contains("\"status\" : \"waiting\"");

        Result removed = run("sinks", "remove", "--dir", dir.toString(), "offsite");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(Files.readString(dir.resolve("server.yaml"))).doesNotContain("offsite");
        assertOneLineError(run("sinks", "remove", "--dir", dir.toString(), "offsite"), 1, "no sink named 'offsite'");
        assertThat(run("audit", "list", "--dir", dir.toString()).out())
                .contains("sink.added")
                .contains("sink.test")
                .contains("sink.removed");
    }

    @Test
    void aMalformedSinkInServerYamlIsAClearErrorAtStart() throws Exception {
        assertThat(init().exitCode()).isZero();
        Files.writeString(
                dir.resolve("server.yaml"),
                "sinks:\n  - name: siem\n    type: syslog\n    transport: carrier-pigeon\n"
                        + "    target: 127.0.0.1:514\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertOneLineError(
                run("sinks", "list", "--dir", dir.toString()),
                1,
                "transport 'carrier-pigeon' is not one of udp, tcp, tls");
    }

    @Test
    void anExportedBundleVerifiesElsewhereAndATamperedOneNamesItsFirstBadRecord() throws Exception {
        assertThat(init().exitCode()).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(run("tickets", "open", "--dir", dir.toString(), "--title", "t" + i)
                            .exitCode())
                    .isZero();
        }
        Path bundle = temp.resolve("bundle.json");
        Result exported =
                run("audit", "export", "--dir", dir.toString(), "--from", "2", "--to", "3", "--out", bundle.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        Path key = temp.resolve("audit-key.jwk");
        assertThat(run("audit", "key", "--dir", dir.toString(), "--out", key.toString())
                        .exitCode())
                .isZero();

        Result verified = run("audit", "verify", "--bundle", bundle.toString(), "--key", key.toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("bundle intact: records 2..5").contains("(the pinned key)");
        Result intact = run("audit", "verify", "--dir", dir.toString());
        assertThat(intact.out()).contains("1 checkpoint(s) signed by audit key");

        // the ticket's title, quoted within the record's details: a bare t1 may also stand in a signature's base64
        String title = "\\\"title\\\":\\\"t1\\\"";
        String exportedJson = Files.readString(bundle);
        assertThat(exportedJson).contains(title);
        Files.writeString(bundle, exportedJson.replace(title, title.replace("t1", "tX")));
        assertOneLineError(
                run("audit", "verify", "--bundle", bundle.toString()),
                1,
                "failed at seq 2: record 2 does not match its hash");
        assertOneLineError(
                run(
                        "audit",
                        "export",
                        "--dir",
                        dir.toString(),
                        "--from",
                        "5",
                        "--to",
                        "99",
                        "--out",
                        bundle.toString()),
                1,
                "is not a range of the log");
    }

    @Test
    void theAnchorFileFindsTheTailCutWithItsCheckpointsAndTheHeadRewritten() throws Exception {
        assertThat(init().exitCode()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(run("tickets", "open", "--dir", dir.toString(), "--title", "t" + i)
                            .exitCode())
                    .isZero();
        }
        Path bundle = temp.resolve("bundle.json");
        assertThat(run(
                                "audit",
                                "export",
                                "--dir",
                                dir.toString(),
                                "--from",
                                "1",
                                "--to",
                                "3",
                                "--out",
                                bundle.toString())
                        .exitCode())
                .isZero(); // signs a checkpoint at 4, written to DIR/audit-anchor.json
        Path anchor = temp.resolve("anchor-copy.json");
        Files.copy(dir.resolve("audit-anchor.json"), anchor);
        assertThat(run("audit", "verify", "--dir", dir.toString(), "--anchor", anchor.toString())
                        .out())
                .contains("the anchor signed at")
                .contains("vouches for records 1..4");

        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("server.db"));
                Statement statement = sql.createStatement()) {
            dropTriggers(statement);
            String hash2;
            try (var rows = statement.executeQuery("SELECT hash FROM audit_log WHERE seq = 2")) {
                rows.next();
                hash2 = rows.getString(1);
            }
            statement.executeUpdate("DELETE FROM audit_log WHERE seq > 2");
            statement.executeUpdate("DELETE FROM audit_checkpoints WHERE seq > 2");
            statement.executeUpdate("UPDATE audit_head SET seq = 2, hash = '" + hash2 + "'");
        }
        assertThat(run("audit", "verify", "--dir", dir.toString()).exitCode())
                .as("plain verify cannot tell")
                .isZero();
        assertOneLineError(
                run("audit", "verify", "--dir", dir.toString(), "--anchor", anchor.toString()),
                1,
                "audit log verification failed at seq 3: the anchor signed at");
        assertOneLineError(
                run("audit", "verify", "--dir", dir.toString(), "--anchor", bundle.toString()),
                1,
                "the log ends at record 2: records 3..4 missing");
        assertOneLineError(
                run(
                        "audit",
                        "verify",
                        "--dir",
                        dir.toString(),
                        "--anchor",
                        temp.resolve("none.json").toString()),
                1,
                "--anchor " + temp.resolve("none.json") + " does not exist");
    }

    /** Drops the triggers that keep the audit log append-only: what someone with the database file can do. */
    private static void dropTriggers(Statement statement) throws java.sql.SQLException {
        List<String> triggers = new java.util.ArrayList<>();
        try (var rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
            while (rows.next()) {
                triggers.add(rows.getString(1));
            }
        }
        for (String trigger : triggers) {
            statement.execute("DROP TRIGGER \"" + trigger + "\"");
        }
    }

    @Test
    void casesAreListedShownAndClosedAndRulesCheckedOnOneLine() throws IOException {
        assertThat(init().exitCode()).isZero();
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(
                rules,
                "rules:\n  - name: raid\n    title: 'RAID {subject}: {value}'\n    severity: critical\n"
                        + "    when: {healthCheckFailing: raid}\n    scope: {commands: [raid-status]}\n");
        Result checked = run("cases", "rules", "--dir", dir.toString());
        assertThat(checked.exitCode()).as(checked.err()).isZero();
        assertThat(checked.out()).contains("raid").contains("critical").contains("commands raid-status");
        Files.writeString(
                rules, "rules:\n  - name: raid\n    title: t\n    when: {healthCheckFailing: raid}\n    x: 1\n");
        assertOneLineError(run("cases", "rules", "--dir", dir.toString()), 1, "line 5 (rules[0].x): unknown field 'x'");

        assertThat(run("cases", "list", "--dir", dir.toString(), "--json").out())
                .isEqualToIgnoringWhitespace("[]");
        java.util.List<dev.secureconnect.server.cases.SupportCase> opened;
        try (dev.secureconnect.server.storage.Database database =
                dev.secureconnect.server.storage.Database.open(dev.secureconnect.server.ServerDaemon.databaseSettings(
                        dir,
                        dev.secureconnect.server.config.ConfigFile.read(dir).database()))) {
            java.time.Clock clock = java.time.Clock.systemUTC();
            opened = new dev.secureconnect.server.cases.CaseStore(
                            database, new dev.secureconnect.server.audit.ServerAuditLog(database, clock), clock)
                    .fire(
                            "SN-CLI",
                            "6f1c1f0e-4a8b-4c53-9a54-0a1b2c3d4e5f",
                            dev.secureconnect.server.cases.RulesFile.parse(
                                            "rules.yaml",
                                            "rules:\n  - {name: raid, title: 'RAID {value}', when: {healthCheckFailing: raid},"
                                                    + " scope: {commands: [raid-status]}}\n")
                                    .stream()
                                    .map(rule -> new dev.secureconnect.server.cases.Firing(rule, "raid", "exit 2"))
                                    .toList(),
                            dev.secureconnect.server.cases.CaseStore.Evaluation.BUNDLE);
        }
        String id = opened.get(0).id();
        Result listed = run("cases", "list", "--dir", dir.toString());
        assertThat(listed.out())
                .contains(id)
                .contains("SN-CLI")
                .contains("open")
                .contains("RAID exit 2");
        Result json = run("cases", "list", "--dir", dir.toString(), "--appliance", "SN-CLI", "--json");
        assertThat(json.out()).contains(id).contains("raid-status");
        assertThat(run("cases", "list", "--dir", dir.toString(), "--appliance", "SN-OTHER", "--json")
                        .out())
                .isEqualToIgnoringWhitespace("[]");
        assertThat(run("cases", "show", "--dir", dir.toString(), id).out()).contains("\"duration\" : \"PT4H\"");
        assertOneLineError(run("cases", "show", "--dir", dir.toString(), "C1\u0007"), 1, "no case has the id 'C1?'");
        assertThat(run("cases", "close", "--dir", dir.toString(), id, "--reason", "fixed")
                        .out())
                .isEqualTo("case " + id + " closed" + System.lineSeparator());
        assertOneLineError(run("cases", "close", "--dir", dir.toString(), id), 1, "case " + id + " is already closed");
        assertThat(run("cases", "show", "--dir", dir.toString(), id).out())
                .contains("\"state\" : \"closed\"")
                .contains("\"stateReason\" : \"fixed\"");
    }

    @Test
    void usageErrorsExitTwo() {
        assertOneLineError(run("tickets", "open"), 2, "--title"); // --dir has a default ($SC_DIR, /var/lib/…)
        assertOneLineError(run("launch"), 2, "launch");
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
