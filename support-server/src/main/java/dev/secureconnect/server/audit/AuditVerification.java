package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

/**
 * What {@link ServerAuditLog#verify()} found: either an intact chain, or the first bad sequence number and what is wrong
 * with it.
 *
 * @param problem {@link Problem#NONE} when the log is intact
 * @param firstBadSeq the first sequence number found bad, or 0 when the log is intact
 * @param checked how many records were checked and found good
 * @param headSeq the last sequence number the head records
 * @param message one line for the operator
 */
public record AuditVerification(Problem problem, long firstBadSeq, long checked, long headSeq, String message) {

    /** The kinds of damage verification tells apart. */
    public enum Problem {
        /** Every record is present, in order, unchanged and chained to the head. */
        NONE,
        /** A record's content no longer matches the hash the rest of the chain vouches for: it was edited. */
        EDITED_RECORD,
        /** A record's stored hash was changed (it matches neither its content nor the next record's link). */
        HASH_MISMATCH,
        /** A sequence number is missing: the record was deleted. */
        MISSING_RECORD,
        /** A record is chained after a different record than the one before it: records were swapped or moved. */
        REORDERED,
        /** A record's {@code prev_hash} matches no record: the link itself was changed. */
        BROKEN_CHAIN,
        /** The last record is not the one the head names: records at the end were deleted (or the head edited). */
        HEAD_MISMATCH,
        /**
         * A signed checkpoint is wrong: signed by another key, a signature that does not verify, a hash that is not
         * its record's, or an {@code audit.checkpoint} record whose signature row was deleted.
         */
        BAD_CHECKPOINT
    }

    public AuditVerification {
        requireNonNull(problem, "problem");
        requireNonNull(message, "message");
    }

    /** Whether the chain is intact. */
    public boolean ok() {
        return problem == Problem.NONE;
    }

    static AuditVerification intact(long checked, long headSeq) {
        return new AuditVerification(
                Problem.NONE, 0, checked, headSeq, "audit log intact: " + checked + " record(s), head at " + headSeq);
    }

    static AuditVerification bad(Problem problem, long firstBadSeq, long checked, long headSeq, String message) {
        return new AuditVerification(problem, firstBadSeq, checked, headSeq, message);
    }
}
