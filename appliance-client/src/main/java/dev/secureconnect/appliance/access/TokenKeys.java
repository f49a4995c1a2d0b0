package dev.secureconnect.appliance.access;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.crypto.token.TokenKeySet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code DIR/token-keys.json}: the support server's public token-verification key set (a JWK Set of EC P-256 public
 * keys), pinned by the appliance admin out of band or installed from the server's chain of rotated sets
 * ({@link #follow}). Without it every session request is refused.
 */
public final class TokenKeys {

    private TokenKeys() {}

    /** The one-line refusal when no key is pinned. */
    public static String missing(ApplianceDirectory directory) {
        return "no token key on this appliance: run sc-appliance token-key --dir " + directory + " --file F";
    }

    /**
     * Checks the JWK Set in {@code file} as a verifier would take it (public EC P-256 keys only, kid = thumbprint).
     *
     * @return the key ids it holds
     * @throws ApplianceException naming what is wrong (a private key, another curve, not a JWK Set, unreadable)
     */
    public static Set<String> check(Path file) {
        try {
            return AccessTokenVerifier.builder()
                    .trustJwkSetFile(file)
                    .revoked(id -> false)
                    .build()
                    .keyIds();
        } catch (CryptoException e) {
            throw new ApplianceException(OneLine.of(e.getMessage()), e);
        }
    }

    /**
     * Pins the key set in {@code file}, replacing any pinned before (atomic, mode 0600).
     *
     * @return the key ids now trusted
     */
    public static Set<String> pin(ApplianceDirectory directory, Path file) {
        Set<String> keyIds = check(file);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ApplianceException(
                    "token key file " + file + " cannot be read: " + OneLine.of(e.getMessage()), e);
        }
        directory.replaceFile(directory.tokenKeysFile(), content);
        return keyIds;
    }

    /** Whether a key set is pinned. */
    public static boolean pinned(ApplianceDirectory directory) {
        return Files.isRegularFile(directory.tokenKeysFile());
    }

    /**
     * A verifier builder trusting the pinned keys, read now (so a new pin applies to the next request).
     *
     * @throws ApplianceException with {@link #missing} when none is pinned, or what is wrong with the pinned file
     */
    static AccessTokenVerifier.Builder verifier(ApplianceDirectory directory) {
        if (!pinned(directory)) {
            throw new ApplianceException(missing(directory));
        }
        try {
            return AccessTokenVerifier.builder().trustJwkSetFile(directory.tokenKeysFile());
        } catch (CryptoException e) {
            throw new ApplianceException(
                    "the pinned token key " + directory.tokenKeysFile() + " cannot be used: "
                            + OneLine.of(e.getMessage()) + "; pin it again with sc-appliance token-key",
                    e);
        }
    }

    /** What {@link #follow} did: the set trusted now, whether it was installed, and the keys that signed its steps. */
    public record Update(TokenKeySet set, boolean installed, List<String> signedBy) {}

    /**
     * Takes the server's chain of rotated key sets ({@code POST /v1/token-keys}): follows it from the pinned set and,
     * when it reaches a newer one, installs it (atomic, durable, mode 0600), so the next session request verifies with
     * it. Reads and writes files: call it off the event loop.
     *
     * @throws TokenKeysRefusedException one line, when no set is pinned, the chain is not readable, or a newer set in
     *     it is not signed by a key the pinned set trusts (forged, unknown key, a replay of an older set); the pinned
     *     set is left as it was
     */
    public static Update follow(ApplianceDirectory directory, byte[] body, Instant now) {
        if (!pinned(directory)) {
            throw new TokenKeysRefusedException(
                    "no token key is pinned to check the server's key set against: " + missing(directory), null);
        }
        TokenKeySet trusted;
        try {
            trusted = TokenKeySet.parse(Files.readString(directory.tokenKeysFile(), StandardCharsets.UTF_8));
        } catch (IOException | CryptoException e) {
            throw new TokenKeysRefusedException(
                    "the pinned token key " + directory.tokenKeysFile() + " cannot be used: "
                            + OneLine.of(e.getMessage()) + "; pin it again with sc-appliance token-key",
                    e);
        }
        TokenKeyChain.Followed followed;
        try {
            followed = TokenKeyChain.parse(new String(body, StandardCharsets.UTF_8))
                    .follow(trusted, now);
        } catch (CryptoException e) {
            throw new TokenKeysRefusedException(OneLine.of(e.getMessage()), e);
        }
        if (followed.changed()) {
            directory.replaceFile(
                    directory.tokenKeysFile(), (followed.set().toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Update(followed.set(), followed.changed(), followed.signedBy());
    }
}
