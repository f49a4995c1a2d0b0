package dev.secureconnect.tunnel.link;

import java.util.regex.Pattern;

/**
 * The appliance's answer (200) to {@code GET /v1/audit/hash?seq=S}: the hash of the record at {@code seq} in its audit
 * log (64 lower-case hex digits, as the record and its checkpoints carry it).
 */
public record AuditHash(long seq, String hash) {

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public AuditHash {
        if (seq < 1) {
            throw new LinkException("audit record seq " + seq + " is not valid: expected 1 or more");
        }
        if (hash == null || !HASH.matcher(hash).matches()) {
            throw new LinkException("audit record hash is not valid: expected 64 lower-case hex digits");
        }
    }
}
