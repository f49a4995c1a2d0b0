package dev.secureconnect.server.tokens;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.crypto.token.TokenKeySet;
import dev.secureconnect.crypto.token.TokenSigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The server's token-signing key: {@code DIR/}{@value #RELATIVE_FILE}, an EC P-256 private JWK readable by its owner
 * only, distinct from the TLS keys and the CA. Created by {@code sc-server init}; its public JWK Set
 * ({@code sc-server token-key}) is what appliances pin.
 *
 * <p>{@code sc-server token-key rotate} ({@link #rotation}) replaces it with a new key and appends the new public set,
 * signed by the key it replaces, to {@code DIR/}{@value #RELATIVE_CHAIN} ({@link TokenKeyChain}): the chain the server
 * sends every appliance it links with. The replaced key stays in the set, retiring once every token it signed has
 * expired ({@link AccessToken#MAX_LIFETIME} and the clock skew after the rotation).
 */
public final class TokenKeyFile {

    /** Where the key is, relative to the server directory. */
    public static final String RELATIVE_FILE = "keys/token-signing.jwk";
    /** Where the chain of rotated key sets is, relative to the server directory; absent until the first rotation. */
    public static final String RELATIVE_CHAIN = "keys/token-key-chain.json";
    /** How long after a rotation the replaced key still verifies: the longest token, plus the clock skew. */
    public static final java.time.Duration RETIRE_AFTER =
            AccessToken.MAX_LIFETIME.plus(AccessTokenVerifier.MAX_CLOCK_SKEW);

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

    /** The chain file of a server directory. */
    public static Path chainIn(Path serverDir) {
        return serverDir.toAbsolutePath().normalize().resolve(RELATIVE_CHAIN);
    }

    /**
     * The chain of rotated key sets of a server directory; empty before the first rotation.
     *
     * @throws CryptoException naming the file if it cannot be read or is not a chain
     */
    public static TokenKeyChain loadChain(Path serverDir) {
        Path file = chainIn(serverDir);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return TokenKeyChain.empty();
        } catch (IOException e) {
            throw new CryptoException("token key chain " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return TokenKeyChain.parse(json);
        } catch (CryptoException e) {
            throw new CryptoException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The public key set in force: the chain's newest set, or the key alone before any rotation.
     *
     * @throws CryptoException if the chain's newest set does not hold {@code current} (the files do not belong
     *     together)
     */
    public static TokenKeySet currentSet(TokenSigningKey current, TokenKeyChain chain) {
        TokenKeySet set = chain.latest().orElseGet(() -> TokenKeySet.of(current));
        if (!set.keyIds().contains(current.keyId())) {
            throw new CryptoException("the token key chain's newest set (generation " + set.generation()
                    + ") does not hold the signing key " + current.keyId() + " of " + RELATIVE_FILE
                    + ": restore both files from the same backup");
        }
        return set;
    }

    /**
     * A rotation, made by {@link #rotation} and written by {@link #write}: the key replaced, the new key, the set now in
     * force and the chain that carries it.
     */
    public record Rotation(
            TokenSigningKey previous, TokenSigningKey next, TokenKeySet set, TokenKeyChain chain, Instant retireAt) {

        /**
         * Writes the rotation into server directory {@code serverDir}: the chain first (should the key not follow,
         * the server goes on signing with a key the set still holds), then the new key in place of the current one.
         */
        public void write(Path serverDir) {
            Path chainFile = chainIn(serverDir);
            try {
                DurableFiles.write(
                        chainFile,
                        (chain.toJson() + "\n").getBytes(StandardCharsets.UTF_8),
                        DurableFiles.Access.OWNER_ONLY);
            } catch (IOException e) {
                throw new CryptoException("cannot write the token key chain " + chainFile + ": " + e.getMessage(), e);
            }
            next.save(in(serverDir));
        }
    }

    /**
     * Makes the rotation of the key of a server directory at {@code now}, writing nothing yet: a new key, and the new
     * set signed by the current key appended to the chain.
     *
     * @throws CryptoException if the directory has no key, or its files cannot be read or do not belong together
     */
    public static Rotation rotation(Path serverDir, Instant now) {
        TokenSigningKey current = load(serverDir);
        TokenKeyChain chain = loadChain(serverDir);
        TokenKeySet set = currentSet(current, chain);
        TokenSigningKey next = TokenSigningKey.generate();
        Instant retireAt = now.plus(RETIRE_AFTER);
        TokenKeySet rotated = set.rotatedTo(next, retireAt, now);
        return new Rotation(current, next, rotated, chain.append(rotated.signedBy(current)), retireAt);
    }
}
