package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.audit.AuditVerification.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A signed checkpoint held outside the database: what proves, later, that no record up to it was removed or
 * changed, even by someone who can rewrite the whole database (records, head and checkpoints). The server writes
 * its latest checkpoint to {@code DIR/}{@value #FILE} at each checkpoint (and every export sink receives the same
 * checkpoint as its {@code audit.checkpoint} record with the signature in detail {@code jws}); an auditor copies
 * either, or an exported bundle, somewhere the server cannot write, and later runs
 * {@code sc-server audit verify --dir DIR --anchor FILE}.
 *
 * <p>Format: one JSON document, {@value #FORMAT}: {@code {"format", "node", "seq", "hash", "signedAt", "keyId",
 * "jws"}}; the JWS (ES256, {@code typ sc-audit-checkpoint}) signs {@code {"seq","hash","node","signedAt"}}, so the
 * other fields are only a readable copy of the signed ones.
 *
 * @param node the server node that signed it
 * @param checkpoint the signed checkpoint
 */
public record AuditAnchor(String node, Checkpoint checkpoint) {

    /** The anchor file, relative to the server directory. */
    public static final String FILE = "audit-anchor.json";

    static final String FORMAT = "secureconnect-audit-anchor-v1";

    private static final ObjectMapper JSON = Mappers.indentedJson();
    private static final Object WRITING = new Object();

    public AuditAnchor {
        requireNonNull(node, "node");
        requireNonNull(checkpoint, "checkpoint");
    }

    public static Path in(Path serverDir) {
        return serverDir.toAbsolutePath().normalize().resolve(FILE);
    }

    /**
     * Reads an anchor file, or the last checkpoint of an exported bundle ({@code audit export}).
     *
     * @throws IllegalArgumentException one line naming the file, if it is neither
     */
    public static AuditAnchor read(Path file) {
        JsonNode document;
        try {
            document = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    file + " is not an audit anchor or bundle: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
        String format = document == null ? "" : document.path("format").asText("");
        if (AuditBundle.FORMAT.equals(format)) {
            return AuditBundle.anchor(file);
        }
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(file + " is not an audit anchor or bundle (format '" + format
                    + "', expected " + FORMAT + " or " + AuditBundle.FORMAT + ")");
        }
        try {
            long seq = document.path("seq").asLong(0);
            String hash = text(document, "hash", file);
            Instant signedAt = Instant.parse(text(document, "signedAt", file));
            if (seq < 1) {
                throw new IllegalArgumentException(file + ": seq must be a record number (>= 1)");
            }
            return new AuditAnchor(
                    text(document, "node", file),
                    new Checkpoint(seq, hash, signedAt, text(document, "keyId", file), text(document, "jws", file)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + ": signedAt is not an ISO-8601 instant", e);
        }
    }

    /**
     * Writes {@code anchor} to {@code file} durably (atomic replace, fsynced), unless the file already holds a
     * checkpoint at or after it (two processes signing at once never move the anchor back).
     *
     * @throws UncheckedIOException naming the file, if it cannot be written
     */
    static void writeIfNewer(Path file, AuditAnchor anchor) {
        synchronized (WRITING) {
            try {
                if (Files.exists(file)) {
                    Optional<Long> held = heldSeq(file);
                    if (held.isPresent() && held.get() >= anchor.checkpoint().seq()) {
                        return;
                    }
                }
                DurableFiles.write(file, anchor.json(), DurableFiles.Access.READABLE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the audit anchor " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static Optional<Long> heldSeq(Path file) {
        try {
            return Optional.of(read(file).checkpoint().seq());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unreadable: replaced by the new anchor
        }
    }

    /** The anchor as its file holds it. */
    byte[] json() throws JsonProcessingException {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("node", this.node);
        node.put("seq", checkpoint.seq());
        node.put("hash", checkpoint.hash());
        node.put("signedAt", checkpoint.signedAt().toString());
        node.put("keyId", checkpoint.keyId());
        node.put("jws", checkpoint.jws());
        return JSON.writeValueAsBytes(node);
    }

    /**
     * Checks {@code log} against this anchor: the anchor is signed by {@code key} over its seq and hash, the log
     * (whose chain and checkpoints {@code log.verify(key)} checks first) reaches at least that seq, and its record at
     * that seq is the one signed. Since every record's hash covers the one before it, this proves that no record up
     * to the anchor was removed or changed.
     */
    public AuditVerification verify(ServerAuditLog log, AuditPublicKey key) {
        requireNonNull(log, "log");
        requireNonNull(key, "key");
        long seq = checkpoint.seq();
        Optional<String> refused = Checkpoints.problem(checkpoint, checkpoint.hash(), key);
        if (refused.isPresent()) {
            return AuditVerification.bad(
                    Problem.BAD_CHECKPOINT,
                    seq,
                    0,
                    log.lastSeq(),
                    "the anchor is refused: "
                            + refused.get()
                                    .replace(
                                            "checkpoint at record " + seq + " is refused: ",
                                            "its checkpoint at record " + seq + ": "));
        }
        AuditVerification chain = log.verify(key);
        if (!chain.ok() && chain.firstBadSeq() <= seq) {
            return chain;
        }
        long head = chain.headSeq();
        String anchored = "the anchor signed at " + checkpoint.signedAt() + " vouches for records 1.." + seq;
        if (head < seq) {
            return AuditVerification.bad(
                    Problem.MISSING_RECORD,
                    head + 1,
                    chain.checked(),
                    head,
                    anchored + " but the log ends at record " + head + ": "
                            + (head + 1 == seq ? "record " + seq : "records " + (head + 1) + ".." + seq)
                            + " missing (removed from the end, and the head"
                            + " and checkpoints rewritten)");
        }
        List<AuditRow> at = log.rows(seq - 1, seq, 1);
        if (at.isEmpty() || at.get(0).seq() != seq) {
            return AuditVerification.bad(
                    Problem.MISSING_RECORD,
                    seq,
                    chain.checked(),
                    head,
                    anchored + " but record " + seq + " is missing");
        }
        if (!at.get(0).hash().equals(checkpoint.hash())) {
            return AuditVerification.bad(
                    Problem.EDITED_RECORD,
                    seq,
                    chain.checked(),
                    head,
                    anchored
                            + " but the log's record " + seq
                            + " is not the one signed: records up to it were changed or"
                            + " replaced (and the chain recomputed)");
        }
        if (!chain.ok()) {
            return AuditVerification.bad(
                    chain.problem(),
                    chain.firstBadSeq(),
                    chain.checked(),
                    head,
                    chain.message() + " (records 1.." + seq + " match the anchor)");
        }
        return new AuditVerification(
                Problem.NONE,
                0,
                chain.checked(),
                head,
                chain.message() + "; " + anchored + " (node " + node + ", audit key " + checkpoint.keyId()
                        + "): its record is in the log, unchanged");
    }

    private static String text(JsonNode document, String field, Path file) {
        JsonNode value = document.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": '" + field + "' is missing (an anchor has format, node, seq,"
                    + " hash, signedAt, keyId and jws)");
        }
        return value.asText();
    }
}
