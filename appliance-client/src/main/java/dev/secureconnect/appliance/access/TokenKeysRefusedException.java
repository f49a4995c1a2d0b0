package dev.secureconnect.appliance.access;

import dev.secureconnect.appliance.ApplianceException;
import org.jspecify.annotations.Nullable;

/** The appliance refuses a token key chain the server sent: the one-line reason it answers and audits. */
public final class TokenKeysRefusedException extends ApplianceException {

    public TokenKeysRefusedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
