package dev.secureconnect.server.audit;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.time.Clock;

/**
 * A separate process that appends to the audit log, as {@code sc-server} CLI commands do beside the daemon. Run by
 * {@link AuditCrossProcessTest}: {@code AppendingProcess JDBC-URL COUNT ACTOR}; prints the sequence numbers it got.
 */
public final class AppendingProcess {

    private AppendingProcess() {}

    public static void main(String[] args) {
        int count = Integer.parseInt(args[1]);
        try (Database database = Database.open(DatabaseSettings.of(args[0]).withMaximumPoolSize(2))) {
            ServerAuditLog log = new ServerAuditLog(database, Clock.systemUTC());
            StringBuilder seqs = new StringBuilder();
            for (int i = 0; i < count; i++) {
                ServerAuditRecord record = log.append(ServerAuditEvent.builder(EventType.TICKET_OPENED)
                        .actor(args[2])
                        .detail("i", i)
                        .build());
                seqs.append(record.seq()).append(' ');
            }
            System.out.println("SEQS " + seqs.toString().strip());
        }
    }
}
