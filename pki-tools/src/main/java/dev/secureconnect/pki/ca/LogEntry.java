package dev.secureconnect.pki.ca;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One line of {@code issuance.log}: who did what to which certificate, when, chained to the line before it.
 *
 * @param seq 1 for the first entry, one more for each entry after it
 * @param actor the operating-system user and host that ran the command
 * @param action {@code init}, {@code issue}, {@code sign-csr}, {@code revoke} or {@code crl}
 * @param prevHash the hash of the entry before (64 zeros for the first)
 * @param hash {@code HashChain.link(prevHash, canonical body)}
 * @param signature base64 SHA256withRSA signature of {@code hash} by the issuing CA key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "seq",
    "time",
    "actor",
    "action",
    "role",
    "serial",
    "identity",
    "detail",
    "prevHash",
    "hash",
    "signature"
})
public record LogEntry(
        long seq,
        String time,
        String actor,
        String action,
        String role,
        String serial,
        String identity,
        String detail,
        String prevHash,
        String hash,
        String signature) {

    /** The fields the hash covers, in a fixed order. */
    @JsonIgnore
    Body body() {
        return new Body(seq, time, actor, action, role, serial, identity, detail);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"seq", "time", "actor", "action", "role", "serial", "identity", "detail"})
    record Body(
            long seq,
            String time,
            String actor,
            String action,
            String role,
            String serial,
            String identity,
            String detail) {}
}
