package dev.secureconnect.appliance.internal;

import dev.secureconnect.appliance.ApplianceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Exclusive access to a file shared by the daemon and the admin commands: a lock inside this JVM (file locks are held
 * per process, so two threads of one JVM would otherwise both get one) and an advisory {@code flock} on a lock file
 * for other processes. Re-entrant within a thread.
 */
public final class FileLocks {

    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private FileLocks() {}

    /** Runs {@code work} holding the lock on {@code lockFile} (created, mode 0600, when missing). */
    public static <T> T locked(Path lockFile, Supplier<T> work) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock lock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return work.get(); // this thread already holds the file lock
            }
            try (FileChannel channel = open(key);
                    FileLock ignored = channel.lock()) {
                return work.get();
            } catch (IOException e) {
                throw new ApplianceException("cannot lock " + key + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} holding the lock on {@code lockFile}. */
    public static void locked(Path lockFile, Runnable work) {
        locked(lockFile, () -> {
            work.run();
            return null;
        });
    }

    private static FileChannel open(Path lockFile) throws IOException {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort: the lock file holds nothing
        }
        return channel;
    }
}
