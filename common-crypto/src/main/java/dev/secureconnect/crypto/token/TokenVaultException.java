package dev.secureconnect.crypto.token;

import dev.secureconnect.crypto.CryptoException;
import org.jspecify.annotations.Nullable;

/** A token vault file that cannot be written or read back, with a one-line message naming the file. */
public final class TokenVaultException extends CryptoException {

    /** What went wrong, so that a CLI can ask for the passphrase again or tell the engineer to fetch a new token. */
    public enum Problem {
        /** There is no such file. */
        NOT_FOUND,
        /** The passphrase does not open the file. */
        WRONG_PASSPHRASE,
        /** The file is not an intact token vault: truncated, altered or something else. */
        CORRUPTED,
        /** The file system failed (permissions, disk full, …). */
        IO_ERROR,
        /** The passphrase is too short to protect a token. */
        WEAK_PASSPHRASE
    }

    private final Problem problem;

    TokenVaultException(Problem problem, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
