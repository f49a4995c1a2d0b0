package dev.secureconnect.reports;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One support session as the audit log tells it: who, on which appliance and ticket, what kind of session to which
 * target, when it started and ended, how long it took, how it ended, the bytes each way and every action in it.
 *
 * @param engineer the actor of {@code stream.opened}, else the first actor named; null when none is
 * @param applianceSerial the first serial the records name, or null
 * @param ticket the first ticket the records name, or null
 * @param kind {@code connect}, {@code exec}, {@code get} or {@code put}, or null when no record says
 * @param target the service, command or path the session was for, or null when no record says
 * @param sourceAddress the engineer's address, or null when the log does not say (the appliance's does not)
 * @param start when {@code stream.opened} was recorded, else the first record's time
 * @param end when the session ended ({@code stream.closed}, else a {@code stream.refused} that ended it), or null while
 *     it is still open
 * @param duration how long it lasted ({@code stream.closed}'s own figure when it gives one), or null while open
 * @param outcome the outcome of the record that ended it ({@code success}, {@code refused}, {@code failure}), or null
 *     while open
 * @param endReason why it ended, as that record says, or null
 * @param bytesToAppliance bytes from the engineer to the appliance, or null when no record says
 * @param bytesFromAppliance bytes from the appliance to the engineer, or null when no record says
 * @param actions every record of the session, in sequence order
 */
public record SessionReport(
        String sessionId,
        @Nullable String engineer,
        @Nullable String applianceSerial,
        @Nullable String ticket,
        @Nullable String kind,
        @Nullable String target,
        @Nullable String sourceAddress,
        Instant start,
        @Nullable Instant end,
        @Nullable Duration duration,
        @Nullable String outcome,
        @Nullable String endReason,
        @Nullable Long bytesToAppliance,
        @Nullable Long bytesFromAppliance,
        List<Action> actions) {

    /**
     * One thing that happened in the session.
     *
     * @param outcome {@code success}, {@code refused} or {@code failure}
     * @param summary one line for a person: the event's name and what its details say, e.g.
     *     {@code command.run collect-logs --since 1h → exit 3}
     */
    public record Action(long seq, Instant time, EventType type, String outcome, String summary) {
        public Action {
            requireNonNull(time, "time");
            requireNonNull(type, "type");
            requireNonNull(outcome, "outcome");
            requireNonNull(summary, "summary");
        }

        /** The event's dotted name, e.g. {@code command.run}. */
        public String event() {
            return type.eventName();
        }

        public boolean succeeded() {
            return SessionEntry.SUCCESS.equals(outcome);
        }
    }

    public SessionReport {
        requireNonNull(sessionId, "sessionId");
        requireNonNull(start, "start");
        actions = List.copyOf(actions);
    }

    /** Whether the log records no end of the session yet. */
    public boolean isOpen() {
        return end == null;
    }

    /**
     * The report of session {@code sessionId} from the entries that carry its id (others are ignored), in sequence
     * order.
     *
     * @throws ReportException if no entry carries {@code sessionId}
     */
    public static SessionReport of(String sessionId, List<SessionEntry> entries) {
        requireNonNull(sessionId, "sessionId");
        List<SessionEntry> mine = entries.stream()
                .filter(entry -> sessionId.equals(entry.sessionId()))
                .sorted(Comparator.comparingLong(SessionEntry::seq))
                .toList();
        if (mine.isEmpty()) {
            throw new ReportException("no audit record carries session " + sessionId);
        }
        SessionEntry opened = first(mine, type(EventType.STREAM_OPENED));
        SessionEntry ending = first(mine, type(EventType.STREAM_CLOSED));
        if (ending == null && opened == null) {
            ending = first(mine, type(EventType.STREAM_REFUSED));
        }
        String engineer =
                opened != null && opened.actor() != null ? opened.actor() : firstValue(mine, SessionEntry::actor);
        Instant start = opened != null ? opened.time() : mine.get(0).time();
        Instant end = ending == null ? null : ending.time();
        Duration duration = null;
        if (ending != null) {
            Long durationMs = Display.parseLong(ending.detail(SessionEntry.DURATION_MS));
            duration = durationMs != null ? Duration.ofMillis(durationMs) : Duration.between(start, end);
        }
        return new SessionReport(
                sessionId,
                engineer,
                firstValue(mine, SessionEntry::applianceSerial),
                firstValue(mine, SessionEntry::ticket),
                detail(opened, mine, SessionEntry.KIND),
                detail(opened, mine, SessionEntry.TARGET),
                firstValue(mine, SessionEntry::sourceAddress),
                start,
                end,
                duration,
                ending == null ? null : ending.outcome(),
                ending == null ? null : ending.detail(SessionEntry.REASON),
                bytes(mine, SessionEntry.BYTES_TO_APPLIANCE),
                bytes(mine, SessionEntry.BYTES_FROM_APPLIANCE),
                mine.stream()
                        .map(entry -> new Action(
                                entry.seq(), entry.time(), entry.type(), entry.outcome(), ActionSummaries.of(entry)))
                        .toList());
    }

    private static Predicate<SessionEntry> type(EventType type) {
        return entry -> entry.type() == type;
    }

    private static @Nullable SessionEntry first(List<SessionEntry> entries, Predicate<SessionEntry> which) {
        return entries.stream().filter(which).findFirst().orElse(null);
    }

    private static @Nullable String firstValue(
            List<SessionEntry> entries, Function<SessionEntry, @Nullable String> field) {
        return entries.stream().map(field).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** {@code stream.opened}'s detail, else the first record's that names it. */
    private static @Nullable String detail(@Nullable SessionEntry opened, List<SessionEntry> entries, String key) {
        if (opened != null && opened.detail(key) != null) {
            return opened.detail(key);
        }
        return firstValue(entries, entry -> entry.detail(key));
    }

    /** The byte count of the last record that gives one ({@code stream.closed}). */
    private static @Nullable Long bytes(List<SessionEntry> entries, String key) {
        Long bytes = null;
        for (SessionEntry entry : entries) {
            Long value = Display.parseLong(entry.detail(key));
            if (value != null) {
                bytes = value;
            }
        }
        return bytes;
    }
}
