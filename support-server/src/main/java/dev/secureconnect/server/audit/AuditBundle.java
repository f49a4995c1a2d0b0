package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.secureconnect.crypto.chain.ChainWalk;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditVerification.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A self-verifiable extract of the audit log: records {@code from..to} exactly as stored, the records after them up
 * to the next signed checkpoint (so that a signature covers every exported record), those checkpoints, and the
 * audit public key. Anyone can check it with {@code sc-server audit verify --bundle FILE} on another machine, and
 * pin the key with {@code --key} (its thumbprint is printed either way).
 *
 * <p>Format: one JSON document, {@value #FORMAT}: {@code {"format", "node", "exportedAt", "from", "to",
 * "signedThrough", "auditKey" (public JWK), "records" [the audit_log columns], "checkpoints" [seq, hash, signedAt,
 * keyId, jws]}}. Hashes are recomputed from the records with the canonical encoding of {@code ServerAuditLog}.
 */
public final class AuditBundle {

    static final String FORMAT = "secureconnect-audit-bundle-v1";

    private static final ObjectMapper JSON = Mappers.indentedJson(new JavaTimeModule());

    private AuditBundle() {}

    /** What was exported. */
    public record Exported(long from, long to, long signedThrough, int records, int checkpoints, String keyId) {}

    private record Document(
            String format,
            String node,
            Instant exportedAt,
            long from,
            long to,
            long signedThrough,
            JsonNode auditKey,
            List<AuditRow> records,
            List<Checkpoint> checkpoints) {}

    /**
     * Writes records {@code from..to} (and on to the first checkpoint at or after {@code to}, signing one if there
     * is none yet) to {@code out}, atomically, and records the export ({@code audit.exported}, by {@code actor}).
     *
     * @throws IllegalArgumentException one line, for a range outside {@code 1..head}, or a log whose chain or
     *     checkpoints do not verify (export what is intact, after finding out why)
     */
    public static Exported export(
            ServerAuditLog audit,
            Checkpoints checkpoints,
            AuditKey key,
            String node,
            String actor,
            long from,
            long to,
            Path out)
            throws IOException {
        requireNonNull(out, "out");
        long head = audit.lastSeq();
        if (from < 1 || to < from || to > head) {
            throw new IllegalArgumentException("--from " + from + " --to " + to + " is not a range of the log: expected"
                    + " 1 <= from <= to <= " + head + " (the last record)");
        }
        AuditVerification verification = audit.verify(key.publicKey());
        if (!verification.ok() && verification.firstBadSeq() <= to) {
            throw new IllegalArgumentException("the log does not verify at record " + verification.firstBadSeq() + ": "
                    + verification.message() + "; export a range before it, or investigate first");
        }
        Checkpoint last = checkpoints.firstFrom(to).orElseGet(checkpoints::sign);
        List<AuditRow> rows = new ArrayList<>();
        for (long after = from - 1; after < last.seq(); ) {
            List<AuditRow> page = audit.rows(after, last.seq(), ServerAuditLog.MAX_LIST_LIMIT);
            if (page.isEmpty()) {
                throw new IllegalStateException(
                        "records " + (after + 1) + ".." + last.seq() + " vanished during export");
            }
            rows.addAll(page);
            after = page.get(page.size() - 1).seq();
        }
        List<Checkpoint> signatures = checkpoints.between(from, last.seq());
        Document document = new Document(
                FORMAT,
                node,
                Instant.now(),
                from,
                to,
                last.seq(),
                JSON.readTree(key.publicKey().json()),
                rows,
                signatures);
        Path target = out.toAbsolutePath();
        DurableFiles.write(target, JSON.writeValueAsBytes(document), DurableFiles.Access.OWNER_ONLY);
        audit.append(ServerAuditEvent.builder(EventType.AUDIT_EXPORTED)
                .actor(actor)
                .detail("from", from)
                .detail("to", to)
                .detail("signedThrough", last.seq())
                .detail("file", target.toString())
                .build());
        return new Exported(from, to, last.seq(), rows.size(), signatures.size(), key.keyId());
    }

    /**
     * Checks a bundle on its own: every record's hash, the chain from the first record to the last, every checkpoint
     * signature against the bundle's key (and that key against {@code pinned}, when given), no
     * {@code audit.checkpoint} record without its signature, and a signature on the last record.
     *
     * @throws IllegalArgumentException one line, if the file cannot be read as a bundle
     */
    public static AuditVerification verify(Path file, @Nullable AuditPublicKey pinned) {
        Document bundle = read(file);
        AuditPublicKey key;
        try {
            key = AuditPublicKey.parse(bundle.auditKey().toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": auditKey is " + e.getMessage(), e);
        }
        long first = bundle.from();
        if (pinned != null && !pinned.keyId().equals(key.keyId())) {
            return AuditVerification.bad(
                    Problem.BAD_CHECKPOINT,
                    first,
                    0,
                    bundle.signedThrough(),
                    "the bundle's audit key " + key.keyId() + " is not the pinned key " + pinned.keyId()
                            + ": it was not signed by that server");
        }
        List<AuditRow> rows = bundle.records();
        Map<Long, AuditRow> bySeq = new HashMap<>();
        ChainWalk chain = ChainWalk.from(first);
        for (AuditRow row : rows) {
            long expected = chain.expectedSeq();
            long checked = expected - first;
            switch (chain.next(row.seq(), row.prevHash(), row.hash(), row.canonical())) {
                case LINKED -> bySeq.put(row.seq(), row);
                case OUT_OF_SEQUENCE -> {
                    return AuditVerification.bad(
                            row.seq() > expected ? Problem.MISSING_RECORD : Problem.REORDERED,
                            expected,
                            checked,
                            bundle.signedThrough(),
                            "record " + expected + " is missing or out of place (found " + row.seq() + " instead)");
                }
                case BROKEN_LINK -> {
                    return AuditVerification.bad(
                            Problem.BROKEN_CHAIN,
                            row.seq(),
                            checked,
                            bundle.signedThrough(),
                            "record " + row.seq() + " does not chain to record " + (row.seq() - 1));
                }
                case HASH_MISMATCH -> {
                    return AuditVerification.bad(
                            Problem.EDITED_RECORD,
                            row.seq(),
                            checked,
                            bundle.signedThrough(),
                            "record " + row.seq() + " does not match its hash: it was changed");
                }
            }
        }
        long last = chain.lastSeq();
        Map<Long, Checkpoint> signatures = new HashMap<>();
        for (Checkpoint checkpoint : bundle.checkpoints()) {
            AuditRow row = bySeq.get(checkpoint.seq());
            Optional<String> problem = row == null || row.eventId() != EventType.AUDIT_CHECKPOINT.id()
                    ? Optional.of("checkpoint at record " + checkpoint.seq()
                            + " signs no audit.checkpoint record of the bundle")
                    : Checkpoints.problem(checkpoint, row.hash(), key);
            if (problem.isPresent()) {
                return AuditVerification.bad(
                        Problem.BAD_CHECKPOINT,
                        checkpoint.seq(),
                        checkpoint.seq() - first,
                        bundle.signedThrough(),
                        problem.get());
            }
            signatures.put(checkpoint.seq(), checkpoint);
        }
        for (AuditRow row : rows) {
            if (row.eventId() == EventType.AUDIT_CHECKPOINT.id() && !signatures.containsKey(row.seq())) {
                return AuditVerification.bad(
                        Problem.BAD_CHECKPOINT,
                        row.seq(),
                        row.seq() - first,
                        bundle.signedThrough(),
                        "record " + row.seq() + " is an audit.checkpoint whose signature is not in the bundle");
            }
        }
        if (rows.isEmpty() || !signatures.containsKey(last)) {
            return AuditVerification.bad(
                    Problem.BAD_CHECKPOINT,
                    last + 1,
                    rows.size(),
                    bundle.signedThrough(),
                    "the bundle does not end with a signed checkpoint: records after the last signature are not vouched for");
        }
        return new AuditVerification(
                Problem.NONE,
                0,
                rows.size(),
                last,
                "bundle intact: records " + first + ".." + last
                        + " (" + bundle.to() + " requested) from node " + bundle.node() + ", chained and covered by "
                        + signatures.size() + " checkpoint signature(s) of audit key " + key.keyId()
                        + (pinned == null
                                ? " (compare it with the key you expect, or pass --key)"
                                : " (the pinned key)"));
    }

    /**
     * The bundle's last checkpoint (at {@code signedThrough}) as an anchor, unverified: {@link AuditAnchor#verify}
     * checks it against the log.
     *
     * @throws IllegalArgumentException one line, if the file cannot be read as a bundle or has no checkpoint there
     */
    static AuditAnchor anchor(Path file) {
        Document bundle = read(file);
        return bundle.checkpoints().stream()
                .filter(checkpoint -> checkpoint.seq() == bundle.signedThrough())
                .findFirst()
                .map(checkpoint -> new AuditAnchor(bundle.node(), checkpoint))
                .orElseThrow(() -> new IllegalArgumentException(file + " has no checkpoint at record "
                        + bundle.signedThrough() + " (signedThrough): it cannot serve as an anchor"));
    }

    private static Document read(Path file) {
        try {
            Document document;
            try (var in = Files.newInputStream(file)) {
                document = JSON.readValue(in, Document.class);
            }
            if (!FORMAT.equals(document.format())) {
                throw new IllegalArgumentException(
                        file + " is not an audit bundle (format " + document.format() + ", expected " + FORMAT + ")");
            }
            if (document.records() == null || document.checkpoints() == null || document.auditKey() == null) {
                throw new IllegalArgumentException(
                        file + " is not a complete audit bundle (records, checkpoints and" + " auditKey are required)");
            }
            return document;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not an audit bundle: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
