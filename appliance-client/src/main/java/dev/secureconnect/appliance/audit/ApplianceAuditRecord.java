package dev.secureconnect.appliance.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One line of {@code audit.log}.
 *
 * @param seq 1 for the first line, one more for each line after it
 * @param time ISO-8601 instant
 * @param eventId the stable id of the event in the catalogue
 * @param event the event's dotted name, e.g. {@code stream.opened}
 * @param details further fields of the event (see {@link ApplianceAuditEvent#details()}); absent when none
 * @param prevHash the hash of the line before (64 zeros for the first)
 * @param hash {@code HashChain.link(prevHash, canonical JSON of the fields before prevHash)}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "seq",
    "time",
    "eventId",
    "event",
    "actor",
    "ticket",
    "session",
    "target",
    "outcome",
    "reason",
    "bytesToService",
    "bytesFromService",
    "details",
    "prevHash",
    "hash"
})
public record ApplianceAuditRecord(
        long seq,
        String time,
        int eventId,
        String event,
        String actor,
        @Nullable String ticket,
        @Nullable String session,
        @Nullable String target,
        @Nullable String outcome,
        @Nullable String reason,
        @Nullable Long bytesToService,
        @Nullable Long bytesFromService,
        Map<String, Object> details,
        String prevHash,
        String hash) {

    /** The fields the hash covers, in a fixed order. */
    @JsonIgnore
    Body body() {
        return new Body(
                seq,
                time,
                eventId,
                event,
                actor,
                ticket,
                session,
                target,
                outcome,
                reason,
                bytesToService,
                bytesFromService,
                details);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "seq",
        "time",
        "eventId",
        "event",
        "actor",
        "ticket",
        "session",
        "target",
        "outcome",
        "reason",
        "bytesToService",
        "bytesFromService",
        "details"
    })
    record Body(
            long seq,
            String time,
            int eventId,
            String event,
            String actor,
            @Nullable String ticket,
            @Nullable String session,
            @Nullable String target,
            @Nullable String outcome,
            @Nullable String reason,
            @Nullable Long bytesToService,
            @Nullable Long bytesFromService,
            Map<String, Object> details) {

        ApplianceAuditRecord chained(String prevHash, String hash) {
            return new ApplianceAuditRecord(
                    seq,
                    time,
                    eventId,
                    event,
                    actor,
                    ticket,
                    session,
                    target,
                    outcome,
                    reason,
                    bytesToService,
                    bytesFromService,
                    details,
                    prevHash,
                    hash);
        }
    }
}
