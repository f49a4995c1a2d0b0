package dev.secureconnect.crypto;

import org.jspecify.annotations.Nullable;

/**
 * A key, certificate, request or revocation list that cannot be used, with a message a person can act on.
 *
 * <p>The message names what was wrong and, where it helps, what to do; it never contains key material or
 * passphrases. The cause, when there is one, keeps the library's own detail for the logs.
 */
public class CryptoException extends RuntimeException {

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
