package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.PasswordBasedDecrypter;
import com.nimbusds.jose.crypto.PasswordBasedEncrypter;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.token.TokenVaultException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.jspecify.annotations.Nullable;

/**
 * Keeps an access token on the engineer's disk, encrypted under the engineer's passphrase.
 *
 * <p>File format: one line, a compact JWE (RFC 7516) with header
 * {@code {"alg":"PBES2-HS512+A256KW","enc":"A256GCM","cty":"JWT","p2s":<32 random bytes>,"p2c":600000}} whose
 * plaintext is the compact JWS of the token. The passphrase goes through PBKDF2-HMAC-SHA512 with
 * {@value #DEFAULT_ITERATIONS} iterations (OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256 is 600,000, for
 * SHA-512 210,000: this is well above either, at about half a second per store or load) to a key that wraps a random
 * AES-256-GCM content key. Written with mode 0600, atomically (temporary file + rename).
 *
 * <p>Passphrases are {@code char[]}, encoded as UTF-8; the byte copy is wiped after use (the caller wipes its own
 * array). Nothing here logs or prints a passphrase or a token.
 */
public final class TokenVault {

    /** PBKDF2 iterations for stored tokens. */
    public static final int DEFAULT_ITERATIONS = 600_000;

    /** The shortest passphrase a token is stored under. */
    public static final int MIN_PASSPHRASE_LENGTH = 8;

    static final JWEAlgorithm ALGORITHM = JWEAlgorithm.PBES2_HS512_A256KW;
    static final EncryptionMethod ENCRYPTION = EncryptionMethod.A256GCM;

    /** PBES2 salt input, in bytes (RFC 7518 asks for at least 8). */
    static final int SALT_LENGTH = 32;

    private final int iterations;

    /** A vault with {@link #DEFAULT_ITERATIONS}. */
    public TokenVault() {
        this(DEFAULT_ITERATIONS);
    }

    /** For tests only, where 600,000 iterations per operation would make the suite slow. */
    TokenVault(int iterations) {
        if (iterations < PasswordBasedEncrypter.MIN_RECOMMENDED_ITERATION_COUNT
                || iterations > PasswordBasedDecrypter.MAX_ALLOWED_ITERATION_COUNT) {
            throw new IllegalArgumentException("iterations: " + iterations + " (expected: between "
                    + PasswordBasedEncrypter.MIN_RECOMMENDED_ITERATION_COUNT + " and "
                    + PasswordBasedDecrypter.MAX_ALLOWED_ITERATION_COUNT + ")");
        }
        this.iterations = iterations;
    }

    /**
     * Encrypts {@code token} under {@code passphrase} into {@code file}, replacing what was there.
     *
     * @throws TokenVaultException {@link Problem#WEAK_PASSPHRASE} for a passphrase shorter than
     *     {@value #MIN_PASSPHRASE_LENGTH} characters, {@link Problem#IO_ERROR} if the file cannot be written
     */
    public void store(Path file, SignedAccessToken token, char[] passphrase) {
        requireNonNull(file, "file");
        requireNonNull(token, "token");
        if (passphrase == null || passphrase.length < MIN_PASSPHRASE_LENGTH) {
            throw new TokenVaultException(
                    Problem.WEAK_PASSPHRASE,
                    "the token passphrase must have at least " + MIN_PASSPHRASE_LENGTH + " characters",
                    null);
        }
        JWEHeader header =
                new JWEHeader.Builder(ALGORITHM, ENCRYPTION).contentType("JWT").build();
        JWEObject jwe = new JWEObject(header, new Payload(token.serialize()));
        byte[] secret = utf8(passphrase);
        try {
            jwe.encrypt(new PasswordBasedEncrypter(secret, SALT_LENGTH, iterations));
        } catch (JOSEException e) {
            throw new TokenVaultException(
                    Problem.IO_ERROR, "cannot encrypt the token for " + file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        try {
            DurableFiles.write(
                    file, (jwe.serialize() + "\n").getBytes(StandardCharsets.US_ASCII), DurableFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new TokenVaultException(
                    Problem.IO_ERROR, "cannot write the token to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts the token in {@code file}. Its signature is not checked here (the server and the appliance do that);
     * the claims are there to show the engineer which appliance and ticket it is for and when it expires.
     *
     * @throws TokenVaultException {@link Problem#WRONG_PASSPHRASE} ("wrong token passphrase for FILE"),
     *     {@link Problem#CORRUPTED}, {@link Problem#NOT_FOUND} or {@link Problem#IO_ERROR}, each naming the file
     */
    public SignedAccessToken load(Path file, char[] passphrase) {
        requireNonNull(file, "file");
        JWEObject jwe = parse(file);
        if (passphrase == null || passphrase.length == 0) {
            throw wrongPassphrase(file, null);
        }
        byte[] secret = utf8(passphrase);
        try {
            jwe.decrypt(new PasswordBasedDecrypter(secret));
        } catch (JOSEException e) {
            // the content key unwraps only with the right passphrase; a GCM tag failure after a good unwrap
            // means the ciphertext itself was altered
            throw hasCause(e, AEADBadTagException.class)
                    ? corrupted(file, "it was altered", e)
                    : wrongPassphrase(file, e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        try {
            return SignedAccessToken.parseUnverified(jwe.getPayload().toString());
        } catch (TokenRefusedException e) {
            throw corrupted(file, "it does not hold an access token", e);
        }
    }

    private static JWEObject parse(Path file) {
        String text;
        try {
            text = new String(OwnerOnlyFiles.read(file), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new TokenVaultException(Problem.NOT_FOUND, "no stored token: " + file + " does not exist", e);
        } catch (IOException e) {
            throw new TokenVaultException(Problem.IO_ERROR, file + " cannot be read: " + e.getMessage(), e);
        }
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(text);
        } catch (ParseException | RuntimeException e) { // nimbus's parser also throws these: p2c < 0, no "enc"…
            throw corrupted(file, "it is not a JWE", e);
        }
        JWEHeader header = jwe.getHeader();
        if (!ALGORITHM.equals(header.getAlgorithm()) || !ENCRYPTION.equals(header.getEncryptionMethod())) {
            throw corrupted(file, "it is not encrypted with " + ALGORITHM + " and " + ENCRYPTION, null);
        }
        if (header.getPBES2Count() > PasswordBasedDecrypter.MAX_ALLOWED_ITERATION_COUNT
                || header.getPBES2Count() < 1
                || header.getPBES2Salt() == null) {
            throw corrupted(file, "its PBES2 parameters are not valid", null);
        }
        return jwe;
    }

    private static TokenVaultException wrongPassphrase(Path file, @Nullable Throwable cause) {
        return new TokenVaultException(Problem.WRONG_PASSPHRASE, "wrong token passphrase for " + file, cause);
    }

    private static TokenVaultException corrupted(Path file, String why, @Nullable Throwable cause) {
        return new TokenVaultException(
                Problem.CORRUPTED,
                file + " is not an intact token file (corrupted or" + " truncated: " + why + "); ask for a new token",
                cause);
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] utf8(char[] passphrase) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "token vault (PBES2-HS512+A256KW, A256GCM, " + iterations + " iterations)";
    }
}
