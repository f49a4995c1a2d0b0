package dev.secureconnect.appliance.console;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The activity log's filter: event name (or id), actor, ticket (each a substring, any case) and a time range. */
final class AuditFilter {

    private AuditFilter() {}

    static Predicate<ApplianceAuditRecord> of(
            @Nullable String event,
            @Nullable String actor,
            @Nullable String ticket,
            @Nullable Instant from,
            @Nullable Instant to) {
        return record -> (event == null
                        || contains(record.event(), event)
                        || String.valueOf(record.eventId()).equals(event))
                && (actor == null || contains(record.actor(), actor))
                && (ticket == null || contains(record.ticket(), ticket))
                && (from == null || !time(record).isBefore(from))
                && (to == null || time(record).isBefore(to));
    }

    private static boolean contains(@Nullable String value, String part) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }

    private static Instant time(ApplianceAuditRecord record) {
        try {
            return Instant.parse(record.time());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
