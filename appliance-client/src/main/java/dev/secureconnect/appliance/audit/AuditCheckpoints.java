package dev.secureconnect.appliance.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.FileLocks;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.chain.ChainCheckpoint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signed checkpoints of the appliance's audit log: {@code DIR/audit.checkpoints}, one JSON line per checkpoint
 * ({@code {"serial","seq","hash","signedAt","jws"}}), each the appliance's signature, with its own TLS key, over the
 * log's head at that time ({@link ChainCheckpoint}: PS256 for an RSA key). Appended and forced to disk under
 * {@code DIR/.audit-checkpoints.lock}; the log itself is not changed, so logs written before checkpoints existed
 * verify as before.
 *
 * <p>Because each record's hash covers the one before it, a checkpoint vouches for every record up to its seq: a
 * record edited and the chain recomputed, or records cut off the end with {@code audit.head} rewritten, no longer
 * match a checkpoint at or after them, unless whoever changed them also holds the appliance's key (and rewrote
 * {@code audit.checkpoints}). The latest checkpoint also goes to the server over the link, which keeps it: against
 * that copy ({@code --anchor}) even the key's holder cannot rewrite records it covers.
 */
public final class AuditCheckpoints {

    /** More than one checkpoint's line. */
    private static final int TAIL_BYTES = 8 * 1024;

    private final ApplianceDirectory directory;
    private final ApplianceAuditLog log;
    private final Clock clock;

    public AuditCheckpoints(ApplianceDirectory directory, ApplianceAuditLog log, Clock clock) {
        this.directory = requireNonNull(directory, "directory");
        this.log = requireNonNull(log, "log");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Signs the log's head when at least {@code every} records were appended since the last checkpoint, or when any
     * was and the last checkpoint is older than {@code interval}. A quiet log gets no checkpoint.
     */
    public Optional<ChainCheckpoint> signIfDue(String serial, PrivateKey key, long every, Duration interval) {
        return signIfDue(serial, key, every, interval, Instant.MIN);
    }

    /**
     * {@link #signIfDue(String, PrivateKey, long, Duration)}, where a log without any checkpoint yet counts the
     * interval from {@code firstSince} (the daemon's start) instead of being due at once.
     */
    public Optional<ChainCheckpoint> signIfDue(
            String serial, PrivateKey key, long every, Duration interval, Instant firstSince) {
        return FileLocks.locked(directory.auditCheckpointsLockFile(), () -> {
            Optional<ChainCheckpoint> last = latest();
            ApplianceAuditLog.Head head = log.head();
            long pending = head.seq() - last.map(ChainCheckpoint::seq).orElse(0L);
            Instant since = last.map(ChainCheckpoint::signedAt).orElse(firstSince);
            boolean old = since.equals(Instant.MIN) || !since.plus(interval).isAfter(clock.instant());
            if (pending >= every || (pending > 0 && old)) {
                Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as the server stores it
                return Optional.of(append(ChainCheckpoint.sign(serial, head.seq(), head.hash(), now, key)));
            }
            return Optional.empty();
        });
    }

    /** Signs the log's head now (nothing when the log is empty or its head already signed). */
    public Optional<ChainCheckpoint> sign(String serial, PrivateKey key) {
        return signIfDue(serial, key, 1, Duration.ZERO);
    }

    /** The newest checkpoint, if any: the file's last line (the file is not read whole). */
    public Optional<ChainCheckpoint> latest() {
        return FileLocks.locked(directory.auditCheckpointsLockFile(), this::lastLine)
                .map(line -> parse(line, "the last line of " + directory.auditCheckpointsFile()));
    }

    /**
     * Every checkpoint, oldest first.
     *
     * @throws ApplianceException naming the line, if one cannot be read as a checkpoint
     */
    public List<ChainCheckpoint> all() {
        List<String> lines = FileLocks.locked(directory.auditCheckpointsLockFile(), this::lines);
        List<ChainCheckpoint> checkpoints = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            checkpoints.add(parse(lines.get(i), directory.auditCheckpointsFile() + " line " + (i + 1)));
        }
        return checkpoints;
    }

    /**
     * Reads one checkpoint as a line of {@code audit.checkpoints} holds it (what {@code --anchor} takes, and what
     * {@code sc-server appliances --checkpoint SERIAL} writes).
     *
     * @throws ApplianceException naming {@code where}
     */
    public static ChainCheckpoint parse(String line, String where) {
        try {
            Line read = Json.COMPACT.readValue(line.trim(), Line.class);
            if (read == null) {
                throw new ApplianceException(where + " is empty: expected a checkpoint");
            }
            return read.checkpoint();
        } catch (JsonProcessingException e) {
            throw new ApplianceException(where + " is not a checkpoint (" + Json.problem(e) + ")", e);
        } catch (java.time.format.DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new ApplianceException(where + " is not a checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the log's chain ({@link ApplianceAuditLog#verify}), then every checkpoint and {@code anchor}: signed with the key
     * of {@code certificate} for {@code serial}, not past the log's end, and over the hash the log holds at its seq.
     *
     * @return one line: the records and checkpoints verified
     * @throws ApplianceException naming the first problem
     */
    public String verify(X509Certificate certificate, String serial, Optional<ChainCheckpoint> anchor) {
        List<ChainCheckpoint> checkpoints = all(); // read before the log: a checkpoint never signs past what is read
        log.verify();
        List<ApplianceAuditRecord> records = log.records();
        long previous = 0;
        for (int i = 0; i < checkpoints.size(); i++) {
            ChainCheckpoint checkpoint = checkpoints.get(i);
            String what = "checkpoint " + (i + 1) + " of "
                    + directory.auditCheckpointsFile().getFileName() + " (seq " + checkpoint.seq() + ")";
            if (checkpoint.seq() < previous) {
                throw new ApplianceException(what + " signs an earlier record than the checkpoint before it: the"
                        + " checkpoints were reordered or edited");
            }
            check(checkpoint, what, certificate, serial, records);
            previous = checkpoint.seq();
        }
        String anchored = "";
        if (anchor.isPresent()) {
            check(
                    anchor.get(),
                    "the anchor (seq " + anchor.get().seq() + ", signed "
                            + anchor.get().signedAt() + ")",
                    certificate,
                    serial,
                    records);
            anchored = "; the anchor's record " + anchor.get().seq() + " (signed "
                    + anchor.get().signedAt() + ") is in the log, unchanged";
        }
        String signed = checkpoints.isEmpty()
                ? "" // as before checkpoints existed
                : "; " + checkpoints.size() + " signed checkpoint(s) verified, the last at seq " + previous
                        + (previous < records.size()
                                ? " (records " + (previous + 1) + ".." + records.size() + " not signed yet)"
                                : "");
        return records.size() + " records, hash chain verified" + signed + anchored;
    }

    private static void check(
            ChainCheckpoint checkpoint,
            String what,
            X509Certificate certificate,
            String serial,
            List<ApplianceAuditRecord> records) {
        try {
            checkpoint.verify(certificate.getPublicKey());
        } catch (CryptoException e) {
            throw new ApplianceException(what + " is refused: " + e.getMessage(), e);
        }
        if (!checkpoint.serial().equals(serial)) {
            throw new ApplianceException(
                    what + " is the checkpoint of appliance " + checkpoint.serial() + ", not of " + serial);
        }
        if (checkpoint.seq() > records.size()) {
            throw new ApplianceException(what + " signs seq " + checkpoint.seq() + " but the audit log ends at seq "
                    + records.size() + ": "
                    + (records.size() + 1 == checkpoint.seq()
                            ? "record " + checkpoint.seq()
                            : "records " + (records.size() + 1) + ".." + checkpoint.seq())
                    + " missing (removed from the end, and audit.head rewritten)");
        }
        ApplianceAuditRecord record = records.get((int) checkpoint.seq() - 1);
        if (!record.hash().equals(checkpoint.hash())) {
            throw new ApplianceException(what + " signs another record " + checkpoint.seq() + " than the log holds:"
                    + " records up to seq " + checkpoint.seq() + " were edited and the chain recomputed");
        }
    }

    private ChainCheckpoint append(ChainCheckpoint checkpoint) {
        Path file = directory.auditCheckpointsFile();
        try (FileChannel channel = FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap((line(checkpoint) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            return checkpoint;
        } catch (IOException e) {
            throw new ApplianceException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> lastLine() {
        Path file = directory.auditCheckpointsFile();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            int size = (int) Math.min(in.length(), TAIL_BYTES);
            byte[] tail = new byte[size];
            in.seek(in.length() - size);
            in.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    return Optional.of(lines[i]);
                }
            }
            return Optional.empty();
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ApplianceException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(directory.auditCheckpointsFile(), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank())
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ApplianceException("cannot read " + directory.auditCheckpointsFile() + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint as one line of the file: the same fields, the instant as ISO-8601 text. */
    record Line(String serial, long seq, String hash, String signedAt, String jws) {
        static Line of(ChainCheckpoint checkpoint) {
            return new Line(
                    checkpoint.serial(),
                    checkpoint.seq(),
                    checkpoint.hash(),
                    checkpoint.signedAt().toString(),
                    checkpoint.jws());
        }

        ChainCheckpoint checkpoint() {
            return new ChainCheckpoint(serial, seq, hash, Instant.parse(signedAt), jws);
        }
    }

    /** The checkpoint as one line of JSON, as {@code audit.checkpoints} holds it and {@link #parse} reads it. */
    public static String line(ChainCheckpoint checkpoint) {
        return Json.line(Line.of(checkpoint));
    }
}
