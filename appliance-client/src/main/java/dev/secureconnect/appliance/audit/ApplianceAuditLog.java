package dev.secureconnect.appliance.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.FileLocks;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.chain.ChainWalk;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.files.DurableFiles;
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
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code DIR/audit.log}: append-only JSON lines, SHA-256 hash-chained. Appends and reads hold {@code DIR/.audit.lock},
 * so the daemon and admin commands (which may run while it runs) append in turn and a reader never sees half a line.
 * Each append is forced to disk before it returns. {@code DIR/audit.head} keeps the last sequence number and hash, so
 * {@link #verify} also notices lines cut off the end.
 */
public final class ApplianceAuditLog implements AuditSink {

    /** The head of the chain: the last record's sequence number and hash. */
    record Head(long seq, String hash) {
        static final Head EMPTY = new Head(0, HashChain.GENESIS);
    }

    /** More than any record's line: reasons are cut to one short line. */
    private static final int TAIL_BYTES = 64 * 1024;

    private final ApplianceDirectory directory;
    private final Clock clock;

    public ApplianceAuditLog(ApplianceDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public void record(ApplianceAuditEvent event) {
        append(event);
    }

    /** Numbers, chains and appends one event; returns the line written. */
    public ApplianceAuditRecord append(ApplianceAuditEvent event) {
        return FileLocks.locked(directory.auditLockFile(), () -> {
            Head head = lastHead();
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
            appendLine(Json.line(record));
            Path headFile = directory.auditHeadFile();
            try {
                DurableFiles.write(
                        headFile,
                        Json.line(new Head(record.seq(), hash)).getBytes(StandardCharsets.UTF_8),
                        DurableFiles.Access.OWNER_ONLY);
            } catch (IOException e) {
                throw new ApplianceException("cannot write " + headFile + ": " + e.getMessage(), e);
            }
            return record;
        });
    }

    /**
     * Every record, oldest first.
     *
     * @throws ApplianceException if a line cannot be read as a record (see {@link #verify})
     */
    public List<ApplianceAuditRecord> records() {
        List<String> lines = FileLocks.locked(directory.auditLockFile(), this::lines);
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
        return FileLocks.locked(directory.auditLockFile(), () -> {
            List<String> lines = lines();
            ChainWalk chain = ChainWalk.fromGenesis();
            for (int i = 0; i < lines.size(); i++) {
                int lineNumber = i + 1;
                ApplianceAuditRecord record = parse(lines.get(i), lineNumber);
                switch (chain.next(record.seq(), record.prevHash(), record.hash(), canonical(record.body()))) {
                    case LINKED -> {}
                    case OUT_OF_SEQUENCE ->
                        throw new ApplianceException("audit log line " + lineNumber + " has seq " + record.seq()
                                + " where " + chain.expectedSeq() + " was expected: a line was removed or reordered");
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
            Head recorded = recordedHead();
            if (recorded != null
                    && (recorded.seq() > seq
                            || (recorded.seq() == seq && !recorded.hash().equals(previous)))) {
                throw new ApplianceException("audit log ends at seq " + seq + " but "
                        + directory.auditHeadFile().getFileName() + " records seq " + recorded.seq()
                        + " as its last line: lines were removed from the end");
            }
            return lines.size();
        });
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

    private List<String> lines() {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(directory.auditFile(), StandardCharsets.UTF_8)) {
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

    private void appendLine(String line) {
        Path file = directory.auditFile();
        try (FileChannel channel = FileChannel.open(
                file,
                java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new ApplianceException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
        }
    }
}
