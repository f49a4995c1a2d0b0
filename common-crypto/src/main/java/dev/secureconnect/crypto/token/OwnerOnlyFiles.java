package dev.secureconnect.crypto.token;

import dev.secureconnect.crypto.CryptoException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files only their owner may read: read back with a size limit, and refused when others may read them. They are
 * written with {@link dev.secureconnect.crypto.files.DurableFiles#write} and
 * {@link dev.secureconnect.crypto.files.DurableFiles.Access#OWNER_ONLY}, so the secret is never readable by others,
 * not even for a moment.
 *
 * <p>On a file system without POSIX permissions (Windows) nothing is checked.
 */
public final class OwnerOnlyFiles {

    /** The largest file read back: far above any key or token file. */
    static final int MAX_SIZE = 64 * 1024;

    private OwnerOnlyFiles() {}

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
            if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
                return;
            }
            Set<PosixFilePermission> mode = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            mode.removeAll(EnumSet.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE,
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
}
