package dev.secureconnect.server.audit;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A daemon-like process whose database cannot commit: it records closed streams {@code s-0, s-1, …} with
 * {@link ServerAuditLog#appendOrHold} (so they land in the spill file) and prints {@code HELD i} once each call returned,
 * until it is killed ({@code kill -9}) by {@link AuditSpillKillTest}: {@code SpillingProcess JDBC-URL USER PASSWORD SPILL-FILE}.
 */
public final class SpillingProcess {

    private static final int MOST = 100_000;

    private SpillingProcess() {}

    public static void main(String[] args) throws Exception {
        DatabaseSettings settings =
                DatabaseSettings.of(args[0]).withMaximumPoolSize(2).withLockTimeout(Duration.ofSeconds(2));
        if (!args[1].isEmpty()) {
            settings = settings.withCredentials(args[1], args[2]);
        }
        try (Database database = Database.open(settings)) {
            ServerAuditLog log =
                    new ServerAuditLog(database, Clock.systemUTC(), AuditSpill.open(Path.of(args[3]), MOST, 1L << 30));
            for (int i = 0; i < MOST; i++) {
                log.appendOrHold(
                        List.of(ServerAuditEvent.builder(EventType.STREAM_CLOSED)
                                .actor("alice")
                                .session("s-" + i)
                                .build()),
                        ServerAuditLog.Hold.ALWAYS);
                System.out.println("HELD " + i);
                System.out.flush();
            }
        }
    }
}
