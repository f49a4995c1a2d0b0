package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A signed checkpoint: the server's signature, with its audit key, over the hash of one {@code audit.checkpoint}
 * record. Because every record's hash covers the one before it, the signature vouches for the whole chain up to
 * {@code seq}.
 *
 * @param seq the signed record
 * @param hash its hash
 * @param signedAt when it was signed
 * @param keyId the audit key's thumbprint
 * @param jws the compact ES256 JWS over {@code {"seq":…,"hash":…,"node":…,"signedAt":…}}
 */
public record Checkpoint(long seq, String hash, Instant signedAt, String keyId, String jws) {

    public Checkpoint {
        requireNonNull(hash, "hash");
        requireNonNull(signedAt, "signedAt");
        requireNonNull(keyId, "keyId");
        requireNonNull(jws, "jws");
    }
}
