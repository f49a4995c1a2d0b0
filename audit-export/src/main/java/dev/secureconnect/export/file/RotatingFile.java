package dev.secureconnect.export.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file with numbered predecessors: {@code audit.jsonl}, then {@code audit.jsonl.1} (newest rotated)
 * … {@code audit.jsonl.<keep>} (oldest). It opens lazily, creating its directories and, where POSIX permissions
 * exist, the file with mode {@code 0640}. Which bytes go where is the caller's decision; this class only moves files.
 */
final class RotatingFile implements AutoCloseable {

    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");

    private static final Logger log = LoggerFactory.getLogger(RotatingFile.class);

    private final Path path;
    private final int keep;
    private @Nullable FileChannel channel;

    RotatingFile(Path path, int keep) {
        this.path = path.toAbsolutePath();
        this.keep = keep;
    }

    Path path() {
        return path;
    }

    /** The current file's size, opening (and creating) it if needed. */
    long size() throws IOException {
        return open().size();
    }

    /** Writes all of {@code bytes} at the end of the current file. */
    void append(ByteBuffer bytes) throws IOException {
        FileChannel open = open();
        while (bytes.hasRemaining()) {
            open.write(bytes);
        }
    }

    /** Forces what was written, data and metadata, to the device. */
    void force() throws IOException {
        open().force(true);
    }

    /**
     * Forces and closes the current file, shifts {@code .1} → {@code .2} … (dropping {@code .<keep>}), renames the
     * current file to {@code .1}; the next write opens a fresh file.
     */
    void rotate() throws IOException {
        force();
        close();
        Files.deleteIfExists(numbered(keep));
        for (int n = keep - 1; n >= 1; n--) {
            if (Files.exists(numbered(n))) {
                Files.move(numbered(n), numbered(n + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(path, numbered(1), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
        log.info("rotated {} (keeping {} rotated files)", path, keep);
    }

    /**
     * After a failed write: cuts the current file back to {@code size} (dropping a half-written line) if it can, and
     * closes it; the next write opens it afresh.
     */
    void abandon(long size) {
        if (channel != null && size >= 0) {
            try {
                if (channel.size() > size) {
                    channel.truncate(size);
                }
            } catch (IOException e) {
                log.warn("{}: cannot cut back a partly written batch: {}", path, e.toString());
            }
        }
        close();
    }

    Path numbered(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private FileChannel open() throws IOException {
        if (channel == null) {
            Path directory = path.getParent();
            if (directory != null) {
                try {
                    Files.createDirectories(directory);
                } catch (FileAlreadyExistsException e) {
                    throw new NotDirectoryException(e.getFile());
                }
            }
            createWithMode();
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return channel;
    }

    private void createWithMode() throws IOException {
        if (Files.exists(path)) {
            return;
        }
        boolean posix = Files.getFileStore(path.getParent()).supportsFileAttributeView(PosixFileAttributeView.class);
        try {
            if (posix) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(MODE));
                Files.setPosixFilePermissions(path, MODE); // the umask may have taken some away
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            // created meanwhile: append to it
        }
    }

    /** Makes the renames durable where the platform can (a directory opens for reading on Linux, not everywhere). */
    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            log.debug("{}: the directory cannot be forced: {}", path.getParent(), e.toString());
        }
    }

    /** Closes the current file; never throws. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("{}: close failed: {}", path, e.toString());
            } finally {
                channel = null;
            }
        }
    }
}
