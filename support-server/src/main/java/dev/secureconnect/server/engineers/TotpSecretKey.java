package dev.secureconnect.server.engineers;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.totp.TotpSecret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server key that seals engineers' TOTP secrets at rest: AES-256-GCM, kept apart from the database in its own
 * file {@code DIR/}{@value #RELATIVE_FILE} (one line of base64, 32 bytes), mode 0600 in a 0700 folder.
 *
 * <p>The file is read on first use, and created then if it is missing and a secret is to be sealed; opening a
 * secret never creates it, so a lost key file is reported instead of silently replaced. Several server nodes
 * sharing one PostgreSQL database need the same key file.
 *
 * <p>A sealed secret is {@code v1:KEYID:BASE64}, where {@code KEYID} names the key (8 hex digits derived from it,
 * so that a secret sealed under another key is reported as such) and {@code BASE64} holds a random 96-bit nonce, the
 * ciphertext and the 128-bit tag. The associated data is the engineer's login: a sealed secret copied to another
 * engineer's row does not open.
 *
 * <p>Thread-safe. {@code toString()} names the file, never the key.
 */
public final class TotpSecretKey {

    /** Where the key file is, relative to the server directory. */
    public static final String RELATIVE_FILE = "keys/totp.key";

    private static final Logger LOG = LoggerFactory.getLogger(TotpSecretKey.class);
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_FILE_BYTES = 1024;
    private static final String FORMAT = "v1";
    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private @Nullable SecretKey key; // read (or created) on first use, then kept
    private @Nullable String keyId; // set with the key

    private TotpSecretKey(Path file) {
        this.file = file;
    }

    /** The key of the server directory {@code serverDir}, read (or created) on first use. */
    public static TotpSecretKey in(Path serverDir) {
        requireNonNull(serverDir, "serverDir");
        return new TotpSecretKey(serverDir.toAbsolutePath().normalize().resolve(RELATIVE_FILE));
    }

    /** The key file. */
    public Path file() {
        return file;
    }

    /**
     * Reads the key file, creating it if it is missing.
     *
     * @throws CryptoException if the file is corrupted, readable by others, or cannot be read or created
     */
    public void loadOrCreate() {
        key(true);
    }

    /** The 8-hex-digit name of the key (not secret: derived from it by a one-way function). */
    public String keyId() {
        key(false);
        return requireNonNull(keyId, "set with the key");
    }

    /** Seals {@code secret} for the engineer {@code login}, creating the key file if it is missing. */
    String seal(TotpSecret secret, String login) {
        requireNonNull(secret, "secret");
        requireNonNull(login, "login");
        SecretKey aes = key(true);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(login.getBytes(UTF_8));
            byte[] sealed = cipher.doFinal(secret.base32().getBytes(US_ASCII));
            byte[] all = ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            return FORMAT + ":" + keyId + ":" + Base64.getEncoder().encodeToString(all);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot seal a TOTP secret with AES-256-GCM: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a secret {@link #seal} sealed for {@code login}.
     *
     * @throws CryptoException if the key file is missing or corrupted, the secret was sealed under another key, or
     *     it was altered or sealed for another login
     */
    TotpSecret open(String sealed, String login) {
        requireNonNull(sealed, "sealed");
        requireNonNull(login, "login");
        SecretKey aes = key(false);
        String[] parts = sealed.split(":", -1);
        byte[] all;
        try {
            all = parts.length == 3 && parts[0].equals(FORMAT)
                    ? Base64.getDecoder().decode(parts[2])
                    : null;
        } catch (IllegalArgumentException e) {
            all = null;
        }
        if (all == null || all.length <= NONCE_BYTES + TAG_BITS / 8) {
            throw new CryptoException("the TOTP secret of engineer " + login + " is not in a format this server"
                    + " reads: run 'sc-server engineers reset-totp " + login + "'");
        }
        if (!parts[1].equals(keyId)) {
            throw new CryptoException("the TOTP secret of engineer " + login + " was sealed with TOTP key "
                    + parts[1] + " but " + file + " holds key " + keyId
                    + ": restore the original key file, or run 'sc-server engineers reset-totp " + login + "'");
        }
        try {
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(login.getBytes(UTF_8));
            byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            try {
                return TotpSecret.ofBase32(new String(plain, US_ASCII));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            throw new CryptoException(
                    "the TOTP secret of engineer " + login + " does not decrypt with " + file
                            + ": it was altered or copied from another engineer; run 'sc-server engineers reset-totp "
                            + login + "'",
                    e);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot open the TOTP secret of engineer " + login + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TotpSecretKey[" + file + "]";
    }

    private synchronized SecretKey key(boolean createIfMissing) {
        if (key == null) {
            byte[] bytes = null;
            try {
                bytes = Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !createIfMissing ? read() : create();
                key = new SecretKeySpec(bytes, "AES");
                keyId = idOf(bytes);
            } finally {
                if (bytes != null) {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
        }
        return key;
    }

    private byte[] read() {
        byte[] content;
        try {
            if (isPosix()) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY_FILE.containsAll(permissions)) {
                    throw new CryptoException("TOTP key file " + file + " is accessible by other users (mode "
                            + PosixFilePermissions.toString(permissions) + "): chmod 600 " + file);
                }
            }
            try (InputStream in = Files.newInputStream(file)) {
                content = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new CryptoException(
                    "TOTP key file " + file + " is missing: the engineers' TOTP secrets cannot be"
                            + " read without it; restore it from a backup, or give every engineer a new secret with"
                            + " 'sc-server engineers reset-totp'",
                    e);
        } catch (IOException e) {
            throw new CryptoException("cannot read TOTP key file " + file + ": " + e, e);
        }
        byte[] key = null;
        try {
            if (content.length <= MAX_FILE_BYTES) {
                key = Base64.getDecoder().decode(new String(content, US_ASCII).strip());
            }
        } catch (IllegalArgumentException e) {
            key = null;
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        if (key == null || key.length != KEY_BYTES) {
            throw new CryptoException("TOTP key file " + file + " is corrupted (expected one line of base64 holding "
                    + KEY_BYTES + " bytes): restore it from a backup");
        }
        return key;
    }

    /**
     * Writes a new random key to a temporary file (0600) beside the key file, then links it into place: if another
     * process created the key file first, its key is used instead.
     */
    private byte[] create() {
        Path directory = requireNonNull(file.getParent(), "the key file is in a folder of the server directory");
        Path serverDir = requireNonNull(directory.getParent(), "that folder is in the server directory");
        Path temporary = null;
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        try {
            if (!Files.isDirectory(serverDir)) {
                throw new CryptoException("cannot create TOTP key file " + file + ": the server directory " + serverDir
                        + " does not exist");
            }
            if (!Files.isDirectory(directory)) {
                try {
                    if (isPosix()) {
                        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                    } else {
                        Files.createDirectory(directory);
                    }
                } catch (FileAlreadyExistsException e) {
                    // another process made it at the same time
                }
            }
            temporary = isPosix()
                    ? Files.createTempFile(
                            directory, ".totp.key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                    : Files.createTempFile(directory, ".totp.key-", ".tmp");
            byte[] line = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(US_ASCII);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(line));
                channel.force(true);
            } finally {
                Arrays.fill(line, (byte) 0);
            }
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException e) {
                Arrays.fill(key, (byte) 0);
                return read();
            }
            LOG.info("created TOTP key file {}: back it up; without it enrolled engineers cannot log in", file);
            return key;
        } catch (IOException | UnsupportedOperationException e) {
            Arrays.fill(key, (byte) 0);
            throw new CryptoException("cannot create TOTP key file " + file + ": " + e, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    LOG.warn("cannot remove the temporary file {}: {}", temporary, e.toString());
                }
            }
        }
    }

    private boolean isPosix() {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String idOf(byte[] key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("SecureConnect TOTP key id\n".getBytes(US_ASCII));
            return HexFormat.of().formatHex(sha256.digest(key), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("SHA-256 is not available", e);
        }
    }
}
