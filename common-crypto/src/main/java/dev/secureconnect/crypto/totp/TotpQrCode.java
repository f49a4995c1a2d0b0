package dev.secureconnect.crypto.totp;

import static java.util.Objects.requireNonNull;

import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.secureconnect.crypto.CryptoException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The QR code of an {@link OtpAuthUri} as a PNG image, for an authenticator app to scan. The image holds the secret,
 * so {@link #write} creates a new file readable by its owner only.
 */
public final class TotpQrCode {

    /** The width and height of the image in pixels unless chosen. */
    public static final int DEFAULT_SIZE = 350;

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final int MIN_SIZE = 100;
    private static final int MAX_SIZE = 2_000;

    private TotpQrCode() {}

    /** The PNG of {@code uri}'s QR code, {@value #DEFAULT_SIZE} pixels square. */
    public static byte[] png(OtpAuthUri uri) {
        return png(uri, DEFAULT_SIZE);
    }

    /** The PNG of {@code uri}'s QR code, {@code size} pixels square. */
    public static byte[] png(OtpAuthUri uri, int size) {
        requireNonNull(uri, "uri");
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("size: " + size + " (expected: " + MIN_SIZE + ".." + MAX_SIZE + ")");
        }
        ZxingPngQrGenerator generator = new ZxingPngQrGenerator();
        generator.setImageSize(size);
        try {
            return generator.generate(uri.qrData());
        } catch (QrGenerationException e) {
            throw new CryptoException("cannot draw the TOTP QR code: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the PNG of {@code uri}'s QR code to a new file {@code file}, mode 0600 where the file system has POSIX
     * permissions. An existing file is not overwritten.
     *
     * @throws CryptoException naming the file if it exists or cannot be written (a partly written file is removed)
     */
    public static void write(OtpAuthUri uri, Path file) {
        requireNonNull(file, "file");
        byte[] png = png(uri);
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, OWNER_ONLY);
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CryptoException(file + " already exists: choose a new file for the QR code", e);
        } catch (NoSuchFileException e) {
            throw new CryptoException("cannot create " + file + ": its directory does not exist", e);
        } catch (AccessDeniedException e) {
            throw new CryptoException("cannot create " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new CryptoException("cannot create " + file + ": " + e, e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(png);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CryptoException("cannot write " + file + ": " + e, e);
        }
    }
}
