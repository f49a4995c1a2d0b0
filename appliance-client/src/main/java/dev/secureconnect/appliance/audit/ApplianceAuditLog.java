package dev.secureconnect.appliance.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.FileLocks;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.chain.ChainWalk;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.tunnel.retry.Backoff;
import java.io.BufferedReader;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DIR/audit.log}: append-only JSON lines, SHA-256 hash-chained. Appends hold {@code DIR/.audit.lock}, so the
 * daemon and admin commands (which may run while it runs) append in turn. Each append is forced to disk before it
 * counts as written. {@code DIR/audit.head} keeps the last sequence number and hash, so {@link #verify} also notices
 * lines cut off the end.
 *
 * <p>Two ways to append: {@link #append} writes on the caller's thread (the admin commands), {@link #submit} and
 * {@link #submitRetried} hand the record to the daemon's log's writer thread ({@link #open}) and return at once (the
 * daemon, whose event loop never waits for the disk). The writer commits what has queued up as one group: one lock, one write, one fsync and
 * one {@code audit.head} for the whole batch; each record's future completes once it is durable. A batch that cannot
 * be written is cut back off the log, so it is either all there or not at all.
 *
 * <p>Readers ({@link #records}, {@link #verify}) hold the lock only to note how long the log and what its head is,
 * then read that much without it: an append never waits for a listing of the whole log.
 */
public final class ApplianceAuditLog implements AuditSink {

    /** The head of the chain: the last record's sequence number and hash. */
    record Head(long seq, String hash) {
        static final Head EMPTY = new Head(0, HashChain.GENESIS);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceAuditLog.class);

    /** More than any record's line: reasons are cut to one short line. */
    private static final int TAIL_BYTES = 64 * 1024;

    /** The most records committed as one group. */
    private static final int MAX_BATCH = 512;

    private final ApplianceDirectory directory;
    private final Clock clock;
    /** The daemon's writer thread; none for the admin commands, which append on their own thread. */
    private final @Nullable AuditWriter writer;

    /** The admin commands' log: every record is appended on the caller's thread. */
    public ApplianceAuditLog(ApplianceDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
        this.writer = null;
    }

    private ApplianceAuditLog(ApplianceDirectory directory, Clock clock, AuditSpill spill, Backoff retry) {
        this.directory = directory;
        this.clock = clock;
        this.writer = new AuditWriter(this::write, spill, this::spillIds, clock, retry, MAX_BATCH);
    }

    /** A daemon's log whose spill file holds at most {@code spillMaxRecords} records (and 16 MiB). */
    ApplianceAuditLog(ApplianceDirectory directory, Clock clock, int spillMaxRecords, Backoff retry) {
        this(
                directory,
                clock,
                AuditSpill.open(
                        directory.auditSpillFile(), spillMaxRecords, ApplianceConfig.Audit.DEFAULT.spillMaxBytes()),
                retry);
    }

    /**
     * The daemon's log: records go through its writer thread ({@link #submit}, {@link #submitRetried}), and those
     * that follow an action are held in {@code DIR/run/audit-spill.jsonl} while the log cannot be written. Records
     * the file holds from a daemon that was killed are appended now, on the writer thread, before anything else.
     *
     * @throws ApplianceException if the spill file cannot be read
     */
    public static ApplianceAuditLog open(ApplianceDirectory directory, Clock clock, ApplianceConfig.Audit settings) {
        AuditSpill spill =
                AuditSpill.open(directory.auditSpillFile(), settings.spillMaxRecords(), settings.spillMaxBytes());
        ApplianceAuditLog log = new ApplianceAuditLog(directory, clock, spill, AuditWriter.RETRY);
        if (spill.size() > 0) {
            LOG.warn(
                    "{} holds {} audit record(s) not yet in the audit log: appending them", spill.file(), spill.size());
        }
        requireNonNull(log.writer).replayHeld();
        return log;
    }

    @Override
    public void record(ApplianceAuditEvent event) {
        append(event);
    }

    /** Numbers, chains and appends one event on this thread; returns the line written once it is durable. */
    public ApplianceAuditRecord append(ApplianceAuditEvent event) {
        return write(List.of(event)).get(0);
    }

    /**
     * Appends on the writer thread without waiting: the future completes once the record is durable, or fails when
     * it cannot be written now (it is then not retried: what it was to allow must not happen). The admin commands' log
     * appends on the caller's thread.
     */
    @Override
    public CompletableFuture<ApplianceAuditRecord> submit(ApplianceAuditEvent event) {
        return writer == null ? appendNow(event) : writer.submit(event, false);
    }

    /**
     * Appends on the writer thread, retrying with back-off until it is durable, in order with the records submitted
     * after it: for a record that follows an action already done ({@code stream.closed}), which must never be lost.
     * While the log cannot be written such records are held in the spill file (see {@link AuditWriter}); once it is
     * full the {@link #whenBacklogFull} action runs (once per outage). The admin commands' log appends on the
     * caller's thread and does not retry.
     */
    @Override
    public CompletableFuture<ApplianceAuditRecord> submitRetried(ApplianceAuditEvent event) {
        return writer == null ? appendNow(event) : writer.submit(event, true);
    }

    private CompletableFuture<ApplianceAuditRecord> appendNow(ApplianceAuditEvent event) {
        try {
            return CompletableFuture.completedFuture(append(event));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What to do when the spill file is full or cannot be written (the daemon closes every session: none may go
     * unaudited).
     */
    public void whenBacklogFull(Runnable action) {
        if (writer != null) {
            writer.whenBacklogFull(action);
        }
    }

    /** Records submitted and not yet in the log. */
    public int backlog() {
        return writer == null ? 0 : writer.backlog();
    }

    /**
     * Stops the writer thread once what was submitted is written, waiting at most {@code timeout}; what is still held
     * then stays in the spill file for the next start.
     */
    public void close(Duration timeout) {
        if (writer != null) {
            writer.close(timeout);
        }
    }

    /**
     * The records held in {@code DIR/run/audit-spill.jsonl}, oldest first, read without changing the file (whether
     * or not a daemon runs): empty while the audit log is written.
     */
    public static List<HeldRecord> held(ApplianceDirectory directory) {
        return AuditSpill.read(directory.auditSpillFile()).stream()
                .map(held ->
                        new HeldRecord(held.spilledAt(), held.event().type().eventName()))
                .toList();
    }

    /**
     * The hash of the record at {@code seq} in {@code DIR/audit.log}, read without the log's lock (appends only add
     * after the records read) and without parsing the records before it; empty when the log has no record at
     * {@code seq} (it is shorter). What the server asks, over the link, to check that the log still extends the
     * checkpoint it holds. Blocking: not on an event loop.
     *
     * @throws ApplianceException if the log cannot be read, or its line at {@code seq} is not a record
     */
    public static Optional<String> recordHash(ApplianceDirectory directory, long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: 1 or more)");
        }
        Path file = directory.auditFile();
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNumber = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || ++lineNumber < seq) {
                    continue;
                }
                ApplianceAuditRecord record = parse(line, (int) Math.min(lineNumber, Integer.MAX_VALUE));
                if (record.seq() == seq) {
                    return Optional.of(record.hash());
                }
                if (record.seq() > seq) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ApplianceException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** A record held in the spill file: when and which event. */
    public record HeldRecord(java.time.Instant spilledAt, String event) {}

    /** The {@code spillId}s of the records in the log: the held records already appended. */
    private Set<String> spillIds() {
        Set<String> ids = new HashSet<>();
        for (ApplianceAuditRecord record : records()) {
            Map<String, Object> details = record.details();
            if (details != null && details.get(AuditSpill.SPILL_ID) instanceof String id) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * Numbers, chains and appends a group of events under the lock: one write, one fsync, one head for all of them.
     * When any of it fails the log is cut back to where it was and nothing counts as written.
     */
    private List<ApplianceAuditRecord> write(List<ApplianceAuditEvent> events) {
        return FileLocks.locked(directory.auditLockFile(), () -> {
            Head head = lastHead();
            List<ApplianceAuditRecord> records = new ArrayList<>(events.size());
            StringBuilder lines = new StringBuilder();
            for (ApplianceAuditEvent event : events) {
                ApplianceAuditRecord.Body body = new ApplianceAuditRecord.Body(
                        head.seq() + 1,
                        clock.instant().toString(),
                        event.type().id(),
                        event.type().eventName(),
                        event.actor(),
                        event.ticket(),
                        event.session(),
                        event.target(),
                        event.outcome(),
                        event.reason(),
                        event.bytesToService(),
                        event.bytesFromService(),
                        event.details());
                String hash = HashChain.link(head.hash(), canonical(body));
                ApplianceAuditRecord record = body.chained(head.hash(), hash);
                records.add(record);
                lines.append(Json.line(record)).append('\n');
                head = new Head(record.seq(), hash);
            }
            long before = appendLines(lines.toString());
            Path headFile = directory.auditHeadFile();
            try {
                DurableFiles.write(
                        headFile, Json.line(head).getBytes(StandardCharsets.UTF_8), DurableFiles.Access.OWNER_ONLY);
            } catch (IOException e) {
                cutBack(before);
                throw new ApplianceException("cannot write " + headFile + ": " + e.getMessage(), e);
            }
            return records;
        });
    }

    /** The last record's number and hash ({@link Head#EMPTY} for an empty log), read under the log's lock. */
    Head head() {
        return FileLocks.locked(directory.auditLockFile(), this::lastHead);
    }

    /**
     * Every record, oldest first.
     *
     * @throws ApplianceException if a line cannot be read as a record (see {@link #verify})
     */
    public List<ApplianceAuditRecord> records() {
        List<String> lines = lines(FileLocks.locked(directory.auditLockFile(), this::length));
        List<ApplianceAuditRecord> records = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            records.add(parse(lines.get(i), i + 1));
        }
        return records;
    }

    /**
     * Checks every line: it parses, its sequence number follows the one before, its {@code prevHash} is the hash
     * before it and its {@code hash} matches its content; and the last line is the head recorded in
     * {@code audit.head}.
     *
     * @return the number of records checked
     * @throws ApplianceException naming the first line that is wrong and what is wrong with it
     */
    public int verify() {
        record Snapshot(long length, @Nullable Head head) {}
        // the head and the length it belongs to are noted together; the lines up to it are read without the lock
        Snapshot snapshot = FileLocks.locked(directory.auditLockFile(), () -> new Snapshot(length(), recordedHead()));
        List<String> lines = lines(snapshot.length());
        ChainWalk chain = ChainWalk.fromGenesis();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            ApplianceAuditRecord record = parse(lines.get(i), lineNumber);
            switch (chain.next(record.seq(), record.prevHash(), record.hash(), canonical(record.body()))) {
                case LINKED -> {}
                case OUT_OF_SEQUENCE ->
                    throw new ApplianceException("audit log line " + lineNumber + " has seq " + record.seq() + " where "
                            + chain.expectedSeq() + " was expected: a line was removed or reordered");
                case BROKEN_LINK ->
                    throw new ApplianceException("audit log line " + lineNumber + " (seq " + record.seq()
                            + ") does not chain to the line before it: a line was removed, reordered or edited");
                case HASH_MISMATCH ->
                    throw new ApplianceException("audit log line " + lineNumber + " (seq " + record.seq()
                            + ") was edited: its hash does not match its content");
            }
        }
        long seq = chain.lastSeq();
        String previous = chain.lastHash();
        Head recorded = snapshot.head();
        if (recorded != null
                && (recorded.seq() > seq
                        || (recorded.seq() == seq && !recorded.hash().equals(previous)))) {
            throw new ApplianceException("audit log ends at seq " + seq + " but "
                    + directory.auditHeadFile().getFileName() + " records seq " + recorded.seq()
                    + " as its last line: lines were removed from the end");
        }
        return lines.size();
    }

    private static ApplianceAuditRecord parse(String line, int lineNumber) {
        try {
            ApplianceAuditRecord record = Json.COMPACT.readValue(line, ApplianceAuditRecord.class);
            if (record.prevHash() == null || record.hash() == null || record.event() == null) {
                throw new ApplianceException(
                        "audit log line " + lineNumber + " lacks its hashes: it was edited or corrupted");
            }
            return record;
        } catch (JsonProcessingException e) {
            throw new ApplianceException(
                    "audit log line " + lineNumber + " is not a valid record (" + Json.problem(e)
                            + "): it was edited or corrupted",
                    e);
        }
    }

    static byte[] canonical(ApplianceAuditRecord.Body body) {
        return Json.line(body).getBytes(StandardCharsets.UTF_8);
    }

    /** The last record's number and hash, read from the end of the log (the log, not the head file, is the truth). */
    private Head lastHead() {
        String last = lastLine();
        if (last == null) {
            Head recorded = recordedHead();
            if (recorded != null && recorded.seq() > 0) {
                throw new ApplianceException("the audit log " + directory.auditFile() + " is empty or missing but "
                        + directory.auditHeadFile().getFileName() + " records " + recorded.seq()
                        + " lines: it was removed; nothing more is appended until it is restored");
            }
            return Head.EMPTY;
        }
        ApplianceAuditRecord record;
        try {
            record = parse(last, -1);
        } catch (ApplianceException e) {
            throw new ApplianceException(
                    "the last line of the audit log " + directory.auditFile()
                            + " is damaged: run 'sc-appliance audit verify --dir " + directory + "'",
                    e);
        }
        return new Head(record.seq(), record.hash());
    }

    private @Nullable Head recordedHead() {
        try {
            return Json.COMPACT.readValue(Files.readAllBytes(directory.auditHeadFile()), Head.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ApplianceException(directory.auditHeadFile() + " cannot be read: it was edited or corrupted", e);
        }
    }

    private @Nullable String lastLine() {
        Path file = directory.auditFile();
        if (!Files.exists(file)) {
            return null;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            int size = (int) Math.min(in.length(), TAIL_BYTES);
            byte[] tail = new byte[size];
            in.seek(in.length() - size);
            in.readFully(tail);
            int end = size;
            while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r')) {
                end--;
            }
            if (end == 0) {
                return null;
            }
            int start = end - 1;
            while (start > 0 && tail[start - 1] != '\n') {
                start--;
            }
            if (start == 0 && size < in.length()) {
                throw new ApplianceException("the last line of the audit log " + file + " is longer than " + TAIL_BYTES
                        + " bytes: run 'sc-appliance audit verify --dir " + directory + "'");
            }
            return new String(tail, start, end - start, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ApplianceException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The log's length in bytes (zero when missing); under the lock, every line up to it is whole. */
    private long length() {
        try {
            return Files.size(directory.auditFile());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot read the audit log " + directory.auditFile() + ": " + e.getMessage(), e);
        }
    }

    /** The lines in the first {@code length} bytes of the log: appends only add after them, so no lock is needed. */
    private List<String> lines(long length) {
        if (length == 0) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(directory.auditFile(), StandardOpenOption.READ)) {
            if (length > Integer.MAX_VALUE - 8) {
                throw new ApplianceException(
                        "the audit log " + directory.auditFile() + " is too large to read at once");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) length);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
                // read until the noted length
            }
            List<String> lines = new ArrayList<>();
            for (String line :
                    new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\r?\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot read the audit log " + directory.auditFile() + ": " + e.getMessage(), e);
        }
    }

    /** Appends {@code lines} and forces them to disk; returns the log's length before them. Cut back on failure. */
    private long appendLines(String lines) {
        Path file = directory.auditFile();
        try (FileChannel channel = FileChannel.open(
                file,
                java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            long before = channel.size();
            try {
                ByteBuffer buffer = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            } catch (IOException e) {
                truncate(channel, before, e);
                throw e;
            }
            return before;
        } catch (IOException e) {
            throw new ApplianceException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Cuts the log back to {@code length} after the rest of its batch could not be made durable. */
    private void cutBack(long length) {
        try (FileChannel channel = FileChannel.open(directory.auditFile(), StandardOpenOption.WRITE)) {
            channel.truncate(length);
            channel.force(true);
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot cut the audit log " + directory.auditFile() + " back to " + length
                            + " bytes after a failed append: " + e.getMessage(),
                    e);
        }
    }

    private static void truncate(FileChannel channel, long length, IOException failure) {
        try {
            channel.truncate(length);
            channel.force(true);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
