package dev.secureconnect.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one daemon of a directory: a lock file (mode 0600) that the daemon holds locked while it runs (an OS file lock,
 * released by the kernel when the process ends, however it ends) and in which it wrote its PID, so that a second
 * daemon on the same directory is refused with the PID of the first. The file itself stays; only the lock counts.
 */
public final class InstanceLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code file} (its folder must exist) for this process and writes this process's PID into it.
     *
     * @throws InstanceLockedException when another process, or this one, holds the lock (it names the holder's PID)
     * @throws IOException when the file cannot be opened, locked or written
     */
    public static InstanceLock acquire(Path file) throws IOException {
        FileChannel channel = FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new InstanceLockedException(
                        Long.toString(ProcessHandle.current().pid()));
            }
            if (lock == null) {
                throw new InstanceLockedException(holder(channel));
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new InstanceLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException notClosed) {
                e.addSuppressed(notClosed);
            }
            throw e;
        }
    }

    /** The PID the holder wrote, or "unknown" while it has not written it yet. */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        String pid = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("[0-9]{1,19}") ? pid : "unknown";
    }

    /** Releases the lock (the kernel also does when the process ends). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
