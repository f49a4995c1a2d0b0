package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.crypto.token.TokenKeySet;
import dev.secureconnect.crypto.token.TokenSigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's token keys: the issuer signs with the current key ({@link TokenKeyFile}), the verifier trusts
 * the set in force (the current key and the retiring ones), and {@link #poll} takes a rotation made by
 * {@code sc-server token-key rotate} in another process. Reads files: call {@link #poll} off the event loops.
 */
public final class TokenKeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(TokenKeyRing.class);

    private final Path dir;
    private final String issuerName;
    private final Predicate<UUID> revoked;
    private final Clock clock;
    private volatile Keys keys;

    /** What is in force, and the files it was read from (their identity and time, to notice a rotation). */
    private record Keys(
            List<Object> stamp,
            TokenSigningKey key,
            TokenKeySet set,
            TokenKeyChain chain,
            AccessTokenIssuer issuer,
            AccessTokenVerifier verifier) {}

    private TokenKeyRing(Path dir, String issuerName, Predicate<UUID> revoked, Clock clock) {
        this.dir = dir;
        this.issuerName = issuerName;
        this.revoked = revoked;
        this.clock = clock;
        this.keys = read(stamp());
    }

    /**
     * The keys of server directory {@code dir}.
     *
     * @param revoked the verifier's revocation check (the database)
     * @throws dev.secureconnect.crypto.CryptoException if the key or the chain is missing, damaged or they do not belong
     *     together
     */
    public static TokenKeyRing load(Path dir, String issuerName, Predicate<UUID> revoked, Clock clock) {
        return new TokenKeyRing(
                requireNonNull(dir, "dir"),
                requireNonNull(issuerName, "issuerName"),
                requireNonNull(revoked, "revoked"),
                requireNonNull(clock, "clock"));
    }

    public AccessTokenIssuer issuer() {
        return keys.issuer();
    }

    public AccessTokenVerifier verifier() {
        return keys.verifier();
    }

    /** The rotated sets appliances follow; empty before the first rotation. */
    public TokenKeyChain chain() {
        return keys.chain();
    }

    public TokenKeySet set() {
        return keys.set();
    }

    /**
     * Reads the files again if they changed since they were last read.
     *
     * @return the new set, if a rotation came into force; empty when nothing changed, or when the files cannot be used
     *     (logged; the keys in force stay)
     */
    public java.util.Optional<TokenKeySet> poll() {
        List<Object> stamp = stamp();
        if (stamp.equals(keys.stamp())) {
            return java.util.Optional.empty();
        }
        Keys before = keys;
        try {
            keys = read(stamp);
        } catch (RuntimeException e) {
            LOG.warn(
                    "the token keys changed but cannot be used (keeping kid {}): {}",
                    before.key().keyId(),
                    e.getMessage());
            return java.util.Optional.empty();
        }
        if (keys.set().generation() == before.set().generation()
                && keys.key().keyId().equals(before.key().keyId())) {
            return java.util.Optional.empty();
        }
        LOG.info(
                "token keys rotated: signing with kid {}, set generation {} {}",
                keys.key().keyId(),
                keys.set().generation(),
                keys.set().keyIds());
        return java.util.Optional.of(keys.set());
    }

    private Keys read(List<Object> stamp) {
        TokenSigningKey key = TokenKeyFile.load(dir);
        TokenKeyChain chain = TokenKeyFile.loadChain(dir);
        TokenKeySet set = TokenKeyFile.currentSet(key, chain);
        AccessTokenVerifier verifier = AccessTokenVerifier.builder()
                .trustJwkSet(set.toJson())
                .revoked(revoked) // the database, at every stream open: a revocation counts at once
                .clock(clock)
                .build();
        return new Keys(stamp, key, set, chain, new AccessTokenIssuer(key, issuerName, clock), verifier);
    }

    private List<Object> stamp() {
        return List.of(stamp(TokenKeyFile.in(dir)), stamp(TokenKeyFile.chainIn(dir)));
    }

    private static Object stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            @Nullable Object identity = attributes.fileKey();
            return List.of(
                    Objects.requireNonNullElse(identity, "no file key"),
                    attributes.lastModifiedTime(),
                    attributes.size());
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return "token keys: signing kid " + keys.key().keyId() + ", " + keys.set();
    }
}
