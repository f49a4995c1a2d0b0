package dev.secureconnect.server.tokens;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.token.TokenSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's token-signing key: {@code DIR/}{@value #RELATIVE_FILE}, an EC P-256 private JWK readable by its owner
 * only, distinct from the TLS keys and the CA. Created by {@code sc-server init}; its public JWK Set
 * ({@code sc-server token-key}) is what appliances pin.
 */
public final class TokenKeyFile {

    /** Where the key is, relative to the server directory. */
    public static final String RELATIVE_FILE = "keys/token-signing.jwk";

    private TokenKeyFile() {}

    public static Path in(Path serverDir) {
        return serverDir.toAbsolutePath().normalize().resolve(RELATIVE_FILE);
    }

    /**
     * Loads the key of a server directory.
     *
     * @throws CryptoException one line naming the file and what to do, if it is missing or not a good key file
     */
    public static TokenSigningKey load(Path serverDir) {
        Path file = in(serverDir);
        if (!Files.exists(file)) {
            throw new CryptoException("no token-signing key: " + file + " does not exist (create it with"
                    + " 'sc-server token-key --dir " + serverDir + " --generate')");
        }
        return TokenSigningKey.load(file);
    }

    /**
     * Creates the key of a server directory.
     *
     * @throws CryptoException if there is one already (replacing it would invalidate every token and every
     *     appliance's pinned key)
     */
    public static TokenSigningKey generate(Path serverDir) {
        Path file = in(serverDir);
        if (Files.exists(file)) {
            throw new CryptoException(file + " exists already: a new key would invalidate every token and every"
                    + " appliance's pinned key set");
        }
        TokenSigningKey key = TokenSigningKey.generate();
        key.save(file);
        return key;
    }
}
