package dev.secureconnect.crypto.token;

import dev.secureconnect.crypto.CryptoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files only their owner may read: written atomically (a temporary file created with mode 0600 beside the target,
 * flushed to disk, then renamed over it), so a reader sees the old content or the new, never a mix, and the secret is
 * never readable by others, not even for a moment. Missing parent directories are created with mode 0700.
 *
 * <p>On a file system without POSIX permissions (Windows) the file inherits the directory's access control list.
 */
public final class OwnerOnlyFiles {

    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    /** The largest file read back: far above any key or token file. */
    static final int MAX_SIZE = 64 * 1024;

    private OwnerOnlyFiles() {}

    /** Replaces {@code file} with {@code content}, atomically, mode 0600. */
    public static void write(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = java.util.Objects.requireNonNull(target.getParent(), "a file has a folder");
        boolean posix = isPosix(directory);
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory, posix ? attributes(DIRECTORY_MODE) : new FileAttribute<?>[0]);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(directory + " exists and is not a directory", e);
            }
        }
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp",
                posix ? attributes(FILE_MODE) : new FileAttribute<?>[0]);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(directory);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The content of {@code file}, refused when larger than {@link #MAX_SIZE}. */
    public static byte[] read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > MAX_SIZE) {
                throw new IOException("larger than " + MAX_SIZE + " bytes");
            }
        }
        return Files.readAllBytes(file);
    }

    /**
     * Refuses a file that its group or others may access, as OpenSSH refuses such a private key; nothing is checked
     * on a file system without POSIX permissions.
     */
    public static void requireOwnerOnly(Path file, String what) {
        try {
            if (!isPosix(file)) {
                return;
            }
            Set<PosixFilePermission> mode = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            mode.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            if (!mode.isEmpty()) {
                throw new CryptoException(what + " " + file + " may be read by others (mode "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "): run chmod 600 "
                        + file);
            }
        } catch (NoSuchFileException e) {
            throw new CryptoException(what + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CryptoException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean isPosix(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null
                && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux, macOS); else skips it. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this platform (e.g. Windows): the rename itself is still atomic
        }
    }
}
