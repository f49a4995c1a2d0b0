package dev.secureconnect.crypto.files;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, fsynced file of lines that wait for somewhere else (an audit log that cannot be written now): each line
 * is appended and forced to disk before {@link #append} returns, and {@link #removeFirst} cuts the oldest ones off
 * with a {@linkplain DurableFiles durable replace} once they reached their destination. Mode 0600, created with the
 * first line. A last line cut short by a crash while it was written (its {@link #append} never returned) is dropped
 * when the file is opened.
 *
 * <p>The bound ({@code maxLines}, {@code maxBytes}) is only reported ({@link #full}): what to do then is the caller's
 * policy. Lines are never refused for it.
 *
 * <p>Thread-safe.
 */
public final class SpillFile {

    private static final Logger LOG = LoggerFactory.getLogger(SpillFile.class);

    private final Path file;
    private final int maxLines;
    private final long maxBytes;
    /** Each line as written, with its {@code '\n'}. */
    private final List<byte[]> lines = new ArrayList<>();

    private long bytes;

    private SpillFile(Path file, int maxLines, long maxBytes) {
        this.file = file;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens {@code file} (it need not exist), reading the lines it holds; a last line cut short by a crash is dropped
     * from the file with a warning.
     *
     * @throws IOException if the file cannot be read or rewritten
     */
    public static SpillFile open(Path file, int maxLines, long maxBytes) throws IOException {
        requireNonNull(file, "file");
        if (maxLines < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "the spill bound must be positive: " + maxLines + " lines, " + maxBytes + " bytes");
        }
        SpillFile spill = new SpillFile(file.toAbsolutePath(), maxLines, maxBytes);
        byte[] content = content(file);
        int whole = split(content, spill.lines);
        spill.bytes = whole;
        if (whole < content.length) {
            LOG.warn(
                    "{}: dropped a last line cut short by a crash while it was written ({} bytes)",
                    file,
                    content.length - whole);
            spill.rewrite();
        }
        return spill;
    }

    /**
     * The whole lines of {@code file} without their {@code '\n'}, oldest first, without changing it (for a reader
     * beside the process that writes it: a line being appended is not yet one); empty when it does not exist.
     */
    public static List<byte[]> read(Path file) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        split(content(file), lines);
        return lines.stream().map(SpillFile::withoutNewline).toList();
    }

    public Path file() {
        return file;
    }

    /** The held lines without their {@code '\n'}, oldest first. */
    public synchronized List<byte[]> lines() {
        return lines.stream().map(SpillFile::withoutNewline).toList();
    }

    public synchronized int size() {
        return lines.size();
    }

    public synchronized boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Whether the file reached its bound. */
    public synchronized boolean full() {
        return lines.size() >= maxLines || bytes >= maxBytes;
    }

    /**
     * Appends {@code line} (one line: no {@code '\n'} in it) and forces it to disk.
     *
     * @throws IOException if it cannot be written; the line is then not held (what part of it reached the file is cut)
     */
    public synchronized void append(byte[] line) throws IOException {
        for (byte b : line) {
            if (b == '\n') {
                throw new IllegalArgumentException("a spilled line must not contain a line break");
            }
        }
        byte[] withNewline = Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        if (!Files.exists(file)) {
            DurableFiles.write(file, new byte[0], DurableFiles.Access.OWNER_ONLY);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(withNewline);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            try {
                rewrite(); // cut off whatever part of the line reached the file
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
        lines.add(withNewline);
        bytes += withNewline.length;
    }

    /** Forgets the first {@code count} lines (they reached their destination), durably. */
    public synchronized void removeFirst(int count) throws IOException {
        if (count < 0 || count > lines.size()) {
            throw new IllegalArgumentException("count: " + count + " (expected: 0.." + lines.size() + ")");
        }
        if (count == 0) {
            return;
        }
        List<byte[]> removed = new ArrayList<>(lines.subList(0, count));
        lines.subList(0, count).clear();
        for (byte[] line : removed) {
            bytes -= line.length;
        }
        try {
            rewrite();
        } catch (IOException e) {
            lines.addAll(0, removed); // still in the file
            for (byte[] line : removed) {
                bytes += line.length;
            }
            throw e;
        }
    }

    private void rewrite() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream((int) Math.min(bytes, 1 << 24));
        for (byte[] line : lines) {
            content.write(line);
        }
        DurableFiles.write(file, content.toByteArray(), DurableFiles.Access.OWNER_ONLY);
    }

    private static byte[] content(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /** Adds each whole line of {@code content} (with its {@code '\n'}) to {@code lines}; returns their length. */
    private static int split(byte[] content, List<byte[]> lines) {
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                lines.add(Arrays.copyOfRange(content, start, i + 1));
                start = i + 1;
            }
        }
        return start;
    }

    private static byte[] withoutNewline(byte[] line) {
        return Arrays.copyOf(line, line.length - 1);
    }
}
