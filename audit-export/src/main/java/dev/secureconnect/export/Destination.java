package dev.secureconnect.export;

import java.util.List;

/**
 * Where exported events go: a syslog receiver, a webhook, a file. The server's delivery loop reads the audit log
 * after the sink's cursor, hands the events here in order, and moves the cursor past them only when
 * {@link #deliver} returns; on a {@link DeliveryException} it keeps the cursor and retries later with back-off. So a
 * destination must not report success for events it did not hand over, and may receive an event again after a
 * failure or a restart (receivers de-duplicate by sequence number).
 *
 * <p>A destination is used by one thread at a time; it (re)connects lazily inside {@link #deliver}.
 */
public interface Destination extends AutoCloseable {

    /**
     * Hands {@code events} (oldest first, at least one) to the receiver and returns once the transport has accepted
     * all of them: written and flushed on a stream, sent as datagrams, answered 2xx by a webhook, forced to disk.
     *
     * @throws DeliveryException with a one-line reason a human can act on ("connection refused by 127.0.0.1:6514",
     *     "webhook answered 500 Internal Server Error") when any of them was not accepted; the connection is then
     *     closed and the next call starts afresh
     */
    void deliver(List<ExportedEvent> events) throws DeliveryException;

    /**
     * {@code events} if it holds at least one event, as {@link #deliver} expects.
     *
     * @throws IllegalArgumentException when it is empty
     */
    static List<ExportedEvent> requireEvents(List<ExportedEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events: none (expected: at least one)");
        }
        return events;
    }

    /** The most events one {@link #deliver} call should carry. */
    default int maxBatch() {
        return 500;
    }

    /** A one-line description for status listings: {@code syslog tls 10.0.0.5:6514 cef}. */
    String describe();

    /** Closes any connection; never throws. */
    @Override
    void close();
}
