package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The signed key sets of the latest rotations, oldest first: each a {@link TokenKeySet} of generation N+1 as a compact
 * JWS signed by the current key of generation N. The server keeps it beside its signing key and sends it to every
 * appliance it links with; an appliance {@linkplain #follow follows} it from the set it trusts, so a set reaches it
 * without an out-of-band step however many rotations it missed (up to {@value #MAX_LINKS}).
 *
 * <p>JSON form (file and link message): {@code {"chain":["JWS", …]}}.
 */
public final class TokenKeyChain {

    /** The most signed sets kept: an appliance that missed more rotations than this is pinned again by hand. */
    public static final int MAX_LINKS = 8;

    private static final String MEMBER = "chain";
    private static final ObjectMapper JSON = Mappers.json();

    private final List<String> links;

    private TokenKeyChain(List<String> links) {
        this.links = List.copyOf(links);
    }

    /** No rotation yet. */
    public static TokenKeyChain empty() {
        return new TokenKeyChain(List.of());
    }

    /**
     * Reads {@code {"chain":["JWS", …]}} (no signature is checked here: see {@link #follow}).
     *
     * @throws CryptoException if it is not that shape or holds more than {@value #MAX_LINKS} sets
     */
    public static TokenKeyChain parse(String json) {
        requireNonNull(json, "json");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CryptoException("the token key chain is not JSON (expected {\"chain\":[\"JWS\", …]})", e);
        }
        JsonNode chain = root == null ? null : root.get(MEMBER);
        if (chain == null || !chain.isArray()) {
            throw new CryptoException("the token key chain has no \"chain\" array (expected {\"chain\":[\"JWS\", …]})");
        }
        if (chain.size() > MAX_LINKS) {
            throw new CryptoException(
                    "the token key chain holds " + chain.size() + " signed sets (at most " + MAX_LINKS + ")");
        }
        List<String> links = new ArrayList<>();
        for (JsonNode link : chain) {
            if (!link.isTextual()) {
                throw new CryptoException("the token key chain holds a " + link.getNodeType() + ", not a JWS string");
            }
            links.add(link.asText());
        }
        return new TokenKeyChain(links);
    }

    /** This chain with {@code signedSet} (a {@link TokenKeySet#signedBy} JWS) last, the oldest dropped past the limit. */
    public TokenKeyChain append(String signedSet) {
        requireNonNull(signedSet, "signedSet");
        List<String> longer = new ArrayList<>(links);
        longer.add(signedSet);
        return new TokenKeyChain(longer.subList(Math.max(0, longer.size() - MAX_LINKS), longer.size()));
    }

    public boolean isEmpty() {
        return links.isEmpty();
    }

    /** The signed sets, oldest first. */
    public List<String> links() {
        return links;
    }

    /** The newest set, as its signer published it (signature not checked: for the server's own chain). */
    public Optional<TokenKeySet> latest() {
        return links.isEmpty()
                ? Optional.empty()
                : Optional.of(read(links.get(links.size() - 1)).set());
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode chain = root.putArray(MEMBER);
        links.forEach(chain::add);
        return root.toString();
    }

    /** What {@link #follow} ends with. */
    public record Followed(TokenKeySet set, boolean changed, List<String> signedBy) {
        public Followed {
            requireNonNull(set, "set");
            signedBy = List.copyOf(signedBy);
        }
    }

    /**
     * Follows the chain from {@code trusted}: every signed set newer than the one trusted so far must be signed by a
     * key of that set that is not retired at {@code now}, and becomes the trusted one. Older and equal sets are
     * skipped (they are already known).
     *
     * @return the newest set reached, whether it differs from {@code trusted}, and the keys that signed the steps
     * @throws CryptoException one line, when a newer set is signed by a key the trusted set does not hold (or holds
     *     retired), its signature does not verify (forged or altered), it is not a signed key set, or the chain's
     *     newest set is older than {@code trusted} or conflicts with it (a replay)
     */
    public Followed follow(TokenKeySet trusted, Instant now) {
        requireNonNull(trusted, "trusted");
        requireNonNull(now, "now");
        TokenKeySet current = trusted;
        List<String> signers = new ArrayList<>();
        int newest = -1;
        for (String link : links) {
            Signed signed = read(link);
            newest = Math.max(newest, signed.set().generation());
            if (signed.set().generation() <= current.generation()) {
                continue;
            }
            String kid = signed.jws().getHeader().getKeyID();
            ECKey signer = current.key(kid);
            if (signer == null || !current.trusts(kid, now)) {
                throw new CryptoException("token key set generation "
                        + signed.set().generation() + " is signed by key "
                        + OneLine.quoted(kid) + ", which the trusted set (generation " + current.generation() + ") "
                        + (signer == null ? "does not hold" : "holds retired")
                        + ": pin the server's current set with sc-appliance token-key");
            }
            boolean good;
            try {
                good = signed.jws().verify(new ECDSAVerifier(signer));
            } catch (JOSEException | IllegalStateException e) {
                throw new CryptoException(
                        "token key set generation " + signed.set().generation() + ": its signature cannot be checked",
                        e);
            }
            if (!good) {
                throw new CryptoException(
                        "token key set generation " + signed.set().generation()
                                + ": its signature does not verify with key " + kid + " (altered or forged)");
            }
            current = signed.set();
            signers.add(kid);
        }
        if (current == trusted) {
            if (newest >= 0 && newest < trusted.generation()) {
                throw new CryptoException("the newest token key set offered is generation " + newest
                        + ", older than the trusted generation " + trusted.generation() + " (a replay?)");
            }
            Optional<TokenKeySet> same = latest();
            if (same.isPresent()
                    && same.get().generation() == trusted.generation()
                    && !same.get().sameKeys(trusted)) {
                throw new CryptoException("token key set generation " + trusted.generation()
                        + " offered holds other keys than the trusted one of that generation");
            }
        }
        return new Followed(current, current != trusted, signers);
    }

    private record Signed(JWSObject jws, TokenKeySet set) {}

    private static Signed read(String link) {
        JWSObject jws;
        try {
            jws = JWSObject.parse(link);
        } catch (ParseException e) {
            throw new CryptoException("the token key chain holds something that is not a compact JWS", e);
        }
        if (!TokenSigningKey.ALGORITHM.equals(jws.getHeader().getAlgorithm())
                || !new JOSEObjectType(TokenKeySet.TYPE).equals(jws.getHeader().getType())
                || jws.getHeader().getKeyID() == null) {
            throw new CryptoException("the token key chain holds a JWS that is not an ES256 " + TokenKeySet.TYPE
                    + " signed set with a kid");
        }
        TokenKeySet set;
        try {
            set = TokenKeySet.parse(jws.getPayload().toString());
        } catch (CryptoException e) {
            throw new CryptoException("a signed token key set is not a key set: " + e.getMessage(), e);
        }
        return new Signed(jws, set);
    }

    @Override
    public String toString() {
        return "token key chain of " + links.size() + " signed set(s)";
    }
}
