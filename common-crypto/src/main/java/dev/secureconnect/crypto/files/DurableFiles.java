package dev.secureconnect.crypto.files;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes a file completely or not at all, and durably: the content goes to a temporary file beside the target
 * ({@code .NAME<random>.tmp}, created with the target's mode), is forced to disk, renamed over the target with an
 * atomic move (never a copy: a file system that cannot rename atomically fails the write), and then the folder is
 * forced to disk so that the rename survives a power loss. A reader sees the old file or the new one, never half of
 * one. Missing parent folders are created (mode 0700 for {@link Access#OWNER_ONLY}).
 *
 * <p>On a file system without POSIX permissions (Windows) the file inherits the folder's access control list, and
 * the folder is not forced (the platform cannot open a folder); the rename is still atomic.
 */
public final class DurableFiles {

    /** Who may read a written file. */
    public enum Access {
        /** Mode 0600: private keys, tokens, state. */
        OWNER_ONLY("rw-------", "rwx------"),
        /** Mode 0644: certificates, CRLs, configuration. */
        READABLE("rw-r--r--", null);

        private final Set<PosixFilePermission> fileMode;
        private final @Nullable Set<PosixFilePermission> folderMode;

        Access(String fileMode, @Nullable String folderMode) {
            this.fileMode = PosixFilePermissions.fromString(fileMode);
            this.folderMode = folderMode == null ? null : PosixFilePermissions.fromString(folderMode);
        }
    }

    private DurableFiles() {}

    /** Replaces {@code file} with {@code content}, atomically and durably, readable as {@code access} says. */
    public static void write(Path file, byte[] content, Access access) throws IOException {
        requireNonNull(content, "content");
        requireNonNull(access, "access");
        Path target = file.toAbsolutePath();
        Path directory = requireNonNull(target.getParent(), "an absolute file has a folder");
        boolean posix = isPosix(directory);
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(
                        directory,
                        posix && access.folderMode != null ? attributes(access.folderMode) : new FileAttribute<?>[0]);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(directory + " exists and is not a directory", e);
            }
        }
        Path temporary = Files.createTempFile(
                directory,
                "." + target.getFileName(),
                ".tmp",
                posix ? attributes(access.fileMode) : new FileAttribute<?>[0]);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            move(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Renames {@code source} over {@code target} with an atomic move, then forces the target's folder to disk. Both
     * must be on the same file system (a temporary file beside the target is).
     */
    public static void move(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(requireNonNull(target.toAbsolutePath().getParent(), "an absolute file has a folder"));
    }

    /**
     * Makes the creations, renames and deletions inside {@code directory} durable; nothing is done on a file system
     * without POSIX permissions (Windows cannot open a folder).
     */
    public static void forceDirectory(Path directory) throws IOException {
        if (!isPosix(directory)) {
            return;
        }
        try (FileChannel folder = FileChannel.open(directory, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }

    private static boolean isPosix(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
    }
}
