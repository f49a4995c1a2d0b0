package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.secureconnect.crypto.CryptoException;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A public token key set as the server publishes it and an appliance pins it: a JWK Set (RFC 7517) of EC P-256
 * public keys with a {@value #GENERATION} member that each rotation increases by one (a set without it is generation
 * 0, as written before rotations existed).
 *
 * <p>The current signing key carries no expiry. A key that no longer signs carries {@code exp}: the instant after which
 * no token it signed can be valid (its signing stopped, plus the longest token lifetime and the clock skew). A
 * verifier refuses the tokens of a key whose {@code exp} has passed, and the next rotation leaves such a key out, so
 * the set stays bounded ({@value #MAX_KEYS} keys at most).
 *
 * <p>A rotation's set travels as a compact JWS ({@link #signedBy}: ES256, {@code typ} {@value #TYPE}, {@code kid}
 * of the signing key) signed by the key that was current before; {@link TokenKeyChain} follows these signatures from
 * a set an appliance already trusts.
 */
public final class TokenKeySet {

    /** The JWK Set member that numbers the sets: 0 for the first key, one more at each rotation. */
    public static final String GENERATION = "generation";
    /** The {@code typ} of a signed key set. */
    public static final String TYPE = "sc-token-keys+json";
    /** The most keys a set holds: the current one and the newest retiring ones. */
    public static final int MAX_KEYS = 5;

    private final int generation;
    private final List<ECKey> keys;

    private TokenKeySet(int generation, List<ECKey> keys) {
        this.generation = generation;
        this.keys = List.copyOf(keys);
    }

    /** Generation 0: the one key of a server that never rotated. */
    public static TokenKeySet of(TokenSigningKey current) {
        return new TokenKeySet(0, List.of(current.publicJwkObject()));
    }

    /**
     * Reads a key set: a JWK Set of EC P-256 public keys whose {@code kid} is the key's thumbprint, with an optional
     * non-negative integer {@value #GENERATION}.
     *
     * @throws CryptoException naming what is wrong (not a JWK Set, a private key, another curve, a bad generation)
     */
    public static TokenKeySet parse(String json) {
        requireNonNull(json, "json");
        AccessTokenVerifier.builder().trustJwkSet(json); // the checks every verifier makes of its keys
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new CryptoException("not a JWK Set (expected {\"keys\":[…]})", e);
        }
        Object generation = set.getAdditionalMembers().get(GENERATION);
        int number = 0;
        if (generation != null) {
            if (!(generation instanceof Number n)
                    || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.longValue() < 0
                    || n.longValue() > Integer.MAX_VALUE) {
                throw new CryptoException("the key set's " + GENERATION + " is not a whole number of 0 or more");
            }
            number = n.intValue();
        }
        List<ECKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            ECKey key = (ECKey) jwk; // the verifier's checks admit EC P-256 keys only
            keys.add(new ECKey.Builder(key)
                    .keyID(TokenSigningKey.thumbprint(key))
                    .build());
        }
        if (keys.size() > MAX_KEYS) {
            throw new CryptoException("the key set holds " + keys.size() + " keys (at most " + MAX_KEYS + ")");
        }
        return new TokenKeySet(number, keys);
    }

    public int generation() {
        return generation;
    }

    /** The key ids, the current key first. */
    public List<String> keyIds() {
        return keys.stream().map(JWK::getKeyID).toList();
    }

    /** The key that signs new tokens: the one without expiry (the first, if a hand-made set has several). */
    public String currentKeyId() {
        return keys.stream()
                .filter(key -> key.getExpirationTime() == null)
                .findFirst()
                .orElse(keys.get(0))
                .getKeyID();
    }

    /** When the key {@code kid} is retired, if it is in the set and retiring. */
    public Optional<Instant> retiredAt(String kid) {
        ECKey key = key(kid);
        return key == null || key.getExpirationTime() == null
                ? Optional.empty()
                : Optional.of(key.getExpirationTime().toInstant());
    }

    /** Whether {@code kid} is in the set and not retired at {@code now}. */
    public boolean trusts(String kid, Instant now) {
        ECKey key = key(kid);
        return key != null
                && (key.getExpirationTime() == null
                        || now.isBefore(key.getExpirationTime().toInstant()));
    }

    /**
     * The set after a rotation to {@code next}: generation + 1, {@code next} first and current, the keys of this set
     * that still verify at {@code now} (the current one retiring at {@code retireAt}, those retiring already keeping
     * their time), the ones retired by then left out, and at most {@value #MAX_KEYS} keys (the soonest retired go
     * first).
     */
    public TokenKeySet rotatedTo(TokenSigningKey next, Instant retireAt, Instant now) {
        requireNonNull(next, "next");
        if (key(next.keyId()) != null) {
            throw new CryptoException("key " + next.keyId() + " is in the key set already");
        }
        List<ECKey> kept = new ArrayList<>();
        for (ECKey key : keys) {
            ECKey retiring = key.getExpirationTime() == null
                    ? new ECKey.Builder(key).expirationTime(Date.from(retireAt)).build()
                    : key;
            if (now.isBefore(retiring.getExpirationTime().toInstant())) {
                kept.add(retiring);
            }
        }
        kept.sort(Comparator.comparing(ECKey::getExpirationTime).reversed());
        List<ECKey> rotated = new ArrayList<>();
        rotated.add(next.publicJwkObject());
        rotated.addAll(kept.subList(0, Math.min(kept.size(), MAX_KEYS - 1)));
        return new TokenKeySet(generation + 1, rotated);
    }

    /** The set as JSON: {@code {"keys":[…],"generation":N}}, what an appliance pins. */
    public String toJson() {
        return new JWKSet(List.copyOf(keys), Map.of(GENERATION, generation)).toString(true);
    }

    /** The set as a compact JWS signed by {@code signer} (ES256, {@code kid} = the signer's thumbprint). */
    public String signedBy(TokenSigningKey signer) {
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(TokenSigningKey.ALGORITHM)
                        .type(new JOSEObjectType(TYPE))
                        .keyID(signer.keyId())
                        .build(),
                new Payload(toJson()));
        try {
            jws.sign(signer.signer());
        } catch (JOSEException e) {
            throw new CryptoException("cannot sign the token key set: " + e.getMessage(), e);
        }
        return jws.serialize();
    }

    /** Whether both sets hold the same keys (by id), whatever their order, expiry or generation. */
    public boolean sameKeys(TokenKeySet other) {
        return keyIds().stream()
                .sorted()
                .toList()
                .equals(other.keyIds().stream().sorted().toList());
    }

    @Nullable
    ECKey key(String kid) {
        for (ECKey key : keys) {
            if (key.getKeyID().equals(kid)) {
                return key;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "token key set generation " + generation + " " + keyIds();
    }
}
