package dev.secureconnect.crypto.chain;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks a {@link HashChain} record by record, oldest first: each record has the next sequence number, links to the
 * hash of the record before it, and its stored hash is {@code HashChain.link(prevHash, canonical)}. The one chain
 * check of the server's audit log, the server's audit bundles and the appliance's audit log; each says in its own
 * words what a {@link Step} other than {@link Step#LINKED} means for its records, and checks its own head.
 *
 * <p>A walk stops being useful at the first record that is not {@link Step#LINKED}: it does not advance past it.
 * Not thread-safe.
 */
public final class ChainWalk {

    /** What {@link #next} found. Checked in this order; the first that fails is the answer. */
    public enum Step {
        /** The record follows, links and matches its hash; the walk advanced past it. */
        LINKED,
        /** Its sequence number is not the one expected (a record is missing, or records are out of order). */
        OUT_OF_SEQUENCE,
        /** Its previous hash is not the hash of the record before it. */
        BROKEN_LINK,
        /** Its stored hash is not the hash of its previous hash and its canonical bytes. */
        HASH_MISMATCH
    }

    private long expectedSeq;
    private @Nullable String previousHash;

    private ChainWalk(long firstSeq, @Nullable String previousHash) {
        this.expectedSeq = firstSeq;
        this.previousHash = previousHash;
    }

    /** A whole chain: record 1 first, linked to {@link HashChain#GENESIS}. */
    public static ChainWalk fromGenesis() {
        return new ChainWalk(1, HashChain.GENESIS);
    }

    /**
     * An excerpt of a chain starting at {@code firstSeq}: the first record's previous hash is taken as it is (what
     * vouches for it, e.g. a signature over a later hash, is the caller's to check).
     */
    public static ChainWalk from(long firstSeq) {
        return new ChainWalk(firstSeq, null);
    }

    /**
     * Checks the next record and, when it is {@link Step#LINKED}, advances past it.
     *
     * @param canonical the bytes its hash covers
     * @throws NullPointerException if {@code prevHash} or {@code canonical} is null
     */
    public Step next(long seq, String prevHash, String hash, byte[] canonical) {
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(canonical, "canonical");
        if (seq != expectedSeq) {
            return Step.OUT_OF_SEQUENCE;
        }
        if (previousHash != null && !previousHash.equals(prevHash)) {
            return Step.BROKEN_LINK;
        }
        if (!HashChain.link(prevHash, canonical).equals(hash)) {
            return Step.HASH_MISMATCH;
        }
        previousHash = hash;
        expectedSeq++;
        return Step.LINKED;
    }

    /** The sequence number the next record must have. */
    public long expectedSeq() {
        return expectedSeq;
    }

    /** The sequence number of the last record linked (one before the first when none was). */
    public long lastSeq() {
        return expectedSeq - 1;
    }

    /**
     * The hash of the last record linked: {@link HashChain#GENESIS} before the first record of a whole chain, null
     * before the first record of an excerpt.
     */
    public @Nullable String lastHash() {
        return previousHash;
    }
}
