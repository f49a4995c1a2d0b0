package dev.secureconnect.appliance.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.crypto.chain.ChainCheckpoint;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints of the appliance's audit log: a record edited with the chain recomputed, or the tail cut with
 * {@code audit.head} rewritten, verified intact before checkpoints existed; a checkpoint covering them catches it.
 */
class AuditCheckpointsTest {

    private static final String SERIAL = "SN-CHECK-1";

    @TempDir
    Path work;

    private Path dir;
    private ApplianceDirectory directory;
    private ApplianceAuditLog log;
    private AuditCheckpoints checkpoints;
    private PrivateKey key;
    private X509Certificate certificate;

    @BeforeEach
    void appliance() {
        dir = work.resolve("appliance");
        ApplianceCli.ok(PkiFiles.appliance(work.resolve("issued"), SERIAL).initArgs(dir, "a.example:1"));
        directory = ApplianceDirectory.open(dir);
        log = new ApplianceAuditLog(directory, Clock.systemUTC());
        checkpoints = new AuditCheckpoints(directory, log, Clock.systemUTC());
        KeyMaterial keys =
                KeyMaterial.load(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"), dir.resolve("tls/chain.pem"));
        key = keys.privateKey();
        certificate = keys.certificate();
        append(4);
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            log.append(ApplianceAuditEvent.of(EventType.TICKET_CONNECTED, "alice")
                    .ticket("1234567" + i)
                    .build());
        }
    }

    @Test
    void aCheckpointIsSignedEveryNRecordsOrAfterTheIntervalAndVerifiesWithTheCertificate() {
        assertThat(checkpoints.signIfDue(SERIAL, key, 5, Duration.ofHours(1)))
                .as("no checkpoint yet: sign")
                .isPresent();
        assertThat(checkpoints.signIfDue(SERIAL, key, 5, Duration.ofHours(1)))
                .as("nothing new")
                .isEmpty();
        append(4);
        assertThat(checkpoints.signIfDue(SERIAL, key, 5, Duration.ofHours(1)))
                .as("4 new, interval not over")
                .isEmpty();
        append(1);
        ChainCheckpoint byCount =
                checkpoints.signIfDue(SERIAL, key, 5, Duration.ofHours(1)).orElseThrow();
        assertThat(byCount.seq()).isEqualTo(9);
        assertThat(byCount.hash()).isEqualTo(log.records().get(8).hash());
        append(1);
        assertThat(checkpoints.signIfDue(SERIAL, key, 1000, Duration.ZERO))
                .as("interval over")
                .isPresent();

        assertThat(checkpoints.all()).extracting(ChainCheckpoint::seq).containsExactly(4L, 9L, 10L);
        assertThat(checkpoints.verify(certificate, SERIAL, Optional.empty()))
                .isEqualTo("10 records, hash chain verified; 3 signed checkpoint(s) verified, the last at seq 10");
        assertThat(ChainCheckpoint.verified(byCount.jws(), certificate.getPublicKey()))
                .isEqualTo(byCount);
    }

    @Test
    void anEditedRecordWithTheChainRecomputedIsFoundByTheCheckpointCoveringIt() throws IOException {
        checkpoints.sign(SERIAL, key); // seq 4
        rechain(lines -> lines.set(1, lines.get(1).replace("12345671", "87654321")));

        assertThat(log.verify()).as("the chain alone says intact").isEqualTo(4);
        assertThatThrownBy(() -> checkpoints.verify(certificate, SERIAL, Optional.empty()))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("(seq 4) signs another record 4 than the log holds")
                .hasMessageContaining("edited and the chain recomputed");
    }

    @Test
    void aCutTailWithTheHeadRewrittenIsFoundByTheCheckpointAndGivenItsAnchorEvenWithTheCheckpointsCut()
            throws IOException {
        checkpoints.sign(SERIAL, key); // seq 4
        append(2);
        ChainCheckpoint six = checkpoints.sign(SERIAL, key).orElseThrow();
        Path anchor = work.resolve("anchor.json"); // kept off the appliance (the server holds the same)
        Files.writeString(anchor, AuditCheckpoints.line(six));

        rechain(lines -> lines.subList(3, lines.size()).clear()); // records 4..6 cut, audit.head rewritten to 3
        assertThat(log.verify()).as("the chain alone says intact").isEqualTo(3);
        assertThatThrownBy(() -> checkpoints.verify(certificate, SERIAL, Optional.empty()))
                .hasMessageContaining("signs seq 4 but the audit log ends at seq 3: record 4 missing");

        Files.delete(directory.auditCheckpointsFile()); // the checkpoints removed too: only the anchor tells
        assertThat(checkpoints.verify(certificate, SERIAL, Optional.empty()))
                .isEqualTo("3 records, hash chain verified");
        ApplianceCli.Result cut =
                ApplianceCli.run("audit", "verify", "--dir", dir.toString(), "--anchor", anchor.toString());
        assertThat(cut.exitCode()).isEqualTo(1);
        assertThat(cut.error())
                .contains("the anchor (seq 6")
                .contains("the audit log ends at seq 3: records 4..6 missing");
    }

    @Test
    void theCommandLineChecksTheCheckpointsAndTheAnchorAndRefusesAnotherKey() throws Exception {
        checkpoints.sign(SERIAL, key);
        Path anchor = work.resolve("anchor.json");
        Files.writeString(anchor, AuditCheckpoints.line(checkpoints.latest().orElseThrow()) + "\n");
        ApplianceCli.Result ok =
                ApplianceCli.ok("audit", "verify", "--dir", dir.toString(), "--anchor", anchor.toString());
        assertThat(ok.out())
                .contains("4 records, hash chain verified; 1 signed checkpoint(s) verified, the last at seq 4;"
                        + " the anchor's record 4");

        // someone who can write the files but has another key signs a checkpoint of their own
        append(1);
        ChainCheckpoint forged = ChainCheckpoint.sign(
                SERIAL,
                5,
                log.records().get(4).hash(),
                Instant.now(),
                TestPki.keyPair("not-this-appliance").getPrivate());
        Files.writeString(
                directory.auditCheckpointsFile(),
                AuditCheckpoints.line(forged) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        ApplianceCli.Result refused = ApplianceCli.run("audit", "verify", "--dir", dir.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.error())
                .contains("checkpoint 2 of audit.checkpoints (seq 5) is refused")
                .contains("does not verify with the certificate's key");

        Path junk = work.resolve("junk.json");
        Files.writeString(junk, "{\"seq\":1}");
        ApplianceCli.Result bad =
                ApplianceCli.run("audit", "verify", "--dir", dir.toString(), "--anchor", junk.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.error()).startsWith("--anchor " + junk + " is not a checkpoint");
    }

    @Test
    void theScheduleSignsOffTheLoopAndAtClose() {
        List<ChainCheckpoint> signed = new java.util.concurrent.CopyOnWriteArrayList<>();
        CheckpointSchedule schedule = CheckpointSchedule.start(
                checkpoints,
                SERIAL,
                key,
                new dev.secureconnect.appliance.config.ApplianceConfig.Audit(1L, Duration.ofHours(1)),
                signed::add);
        dev.secureconnect.testing.Eventually.within(
                Duration.ofSeconds(10), "the first checkpoint", () -> signed.size() == 1);
        append(2);
        schedule.close();
        assertThat(checkpoints.latest().orElseThrow().seq())
                .as("the last records signed at close")
                .isEqualTo(6);
    }

    /** Rewrites audit.log with every hash recomputed, and audit.head to match: what someone without the key can do. */
    private void rechain(java.util.function.Consumer<List<String>> change) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(directory.auditFile(), StandardCharsets.UTF_8));
        change.accept(lines);
        List<String> rechained = new ArrayList<>();
        String previous = HashChain.GENESIS;
        ApplianceAuditRecord last = null;
        for (String line : lines) {
            ApplianceAuditRecord record =
                    dev.secureconnect.appliance.internal.Json.COMPACT.readValue(line, ApplianceAuditRecord.class);
            String hash = HashChain.link(previous, ApplianceAuditLog.canonical(record.body()));
            last = record.body().chained(previous, hash);
            rechained.add(dev.secureconnect.appliance.internal.Json.line(last));
            previous = hash;
        }
        Files.write(directory.auditFile(), rechained, StandardCharsets.UTF_8);
        Files.writeString(
                directory.auditHeadFile(),
                dev.secureconnect.appliance.internal.Json.line(new ApplianceAuditLog.Head(last.seq(), last.hash())));
    }
}
