package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.engineer.EngineerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Passphrases: read from a file (its first line, without the line break) or asked for on the terminal. Nothing here
 * prints or logs a passphrase; callers wipe the arrays they get.
 */
final class Passphrases {

    /** Passphrase files are small: longer ones are refused unread. */
    static final int MAX_FILE_BYTES = 4096;

    private Passphrases() {}

    /**
     * The first line of {@code file}.
     *
     * @param what e.g. "token passphrase", for messages
     * @throws EngineerException if the file is missing, unreadable, too long or not UTF-8
     */
    static char[] fromFile(Path file, String what) {
        byte[] content;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new EngineerException("the " + what + " file " + file + " is longer than " + MAX_FILE_BYTES
                        + " bytes: put the passphrase alone on its first line");
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EngineerException("the " + what + " file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new EngineerException(
                    "cannot read the " + what + " file " + file + ": " + OneLine.of(e.getMessage()), e);
        }
        int end = 0;
        while (end < content.length && content[end] != '\n') {
            end++;
        }
        if (end > 0 && content[end - 1] == '\r') {
            end--;
        }
        try {
            return utf8(content, end);
        } catch (CharacterCodingException e) {
            throw new EngineerException("the " + what + " file " + file + " is not UTF-8 text", e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * The first line of {@code in} (a pipe from the process that started this one), at most {@link #MAX_FILE_BYTES}.
     *
     * @throws EngineerException if it is empty, too long or not UTF-8
     */
    static char[] fromPipe(InputStream in, String what) {
        byte[] content = new byte[MAX_FILE_BYTES];
        int length = 0;
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (length == content.length) {
                    throw new EngineerException(
                            "the " + what + " on standard input is longer than " + MAX_FILE_BYTES + " bytes");
                }
                content[length++] = (byte) b;
            }
            return utf8(content, length);
        } catch (CharacterCodingException e) {
            throw new EngineerException("the " + what + " on standard input is not UTF-8 text", e);
        } catch (IOException e) {
            throw new EngineerException(
                    "cannot read the " + what + " from standard input: " + OneLine.of(e.getMessage()), e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** The first {@code length} bytes of {@code content} as UTF-8; the decoder's copy is wiped. */
    private static char[] utf8(byte[] content, int length) throws CharacterCodingException {
        CharBuffer chars = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(content, 0, length));
        char[] passphrase = new char[chars.remaining()];
        chars.get(passphrase);
        if (chars.hasArray()) {
            Arrays.fill(chars.array(), '\0');
        }
        return passphrase;
    }

    /** The passphrase of the engineer's PKCS#12 file: from {@code file} if given, else asked for. */
    static char[] identity(@Nullable Path file, Path p12, Prompter prompter) {
        if (file != null) {
            return fromFile(file, "PKCS#12 passphrase");
        }
        return prompter.secret("Passphrase of " + p12.getFileName() + ": ", "give it with --p12-passphrase-file FILE");
    }

    /** The passphrase a stored token is opened with: from {@code file} if given, else asked for once. */
    static char[] tokenToOpen(Path file, Prompter prompter) {
        if (file != null) {
            return fromFile(file, "token passphrase");
        }
        return prompter.secret("Token passphrase: ", "give it with --token-passphrase-file FILE");
    }

    /**
     * The passphrase a new token is stored under: from {@code file} if given, else asked for twice; at least
     * {@link TokenVault#MIN_PASSPHRASE_LENGTH} characters.
     */
    static char[] tokenToStore(Path file, Prompter prompter) {
        char[] passphrase;
        if (file != null) {
            passphrase = fromFile(file, "token passphrase");
        } else {
            passphrase = prompter.secret(
                    "Token passphrase (to protect the token on this disk): ",
                    "give it with --token-passphrase-file FILE");
            char[] again = prompter.secret("Token passphrase again: ", "give it with --token-passphrase-file FILE");
            try {
                if (!Arrays.equals(passphrase, again)) {
                    Arrays.fill(passphrase, '\0');
                    throw new EngineerException("the two token passphrases differ: nothing was asked for");
                }
            } finally {
                Arrays.fill(again, '\0');
            }
        }
        if (passphrase.length < TokenVault.MIN_PASSPHRASE_LENGTH) {
            Arrays.fill(passphrase, '\0');
            throw new EngineerException(
                    "the token passphrase must have at least " + TokenVault.MIN_PASSPHRASE_LENGTH + " characters");
        }
        return passphrase;
    }
}
