package dev.secureconnect.server.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.format.CefFormat;
import dev.secureconnect.export.format.JsonEventFormat;
import dev.secureconnect.export.format.LeefFormat;
import dev.secureconnect.export.format.Rfc5424Format;
import dev.secureconnect.server.audit.AuditKey;
import dev.secureconnect.server.audit.Checkpoint;
import dev.secureconnect.server.audit.Checkpoints;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sink receives the signed checkpoints, with their signature: the receiver's anchor. */
class CheckpointExportTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    @TempDir
    Path dir;

    @StorageTest
    void anExportedCheckpointCarriesItsSignatureInEveryFormat(TestDatabase test) {
        ServerAuditLog log = new ServerAuditLog(test.database(), clock);
        log.append(ServerAuditEvent.builder(EventType.TICKET_OPENED)
                .actor("operator:root")
                .build());
        Checkpoint checkpoint =
                new Checkpoints(test.database(), log, AuditKey.loadOrCreate(dir), "node-1", clock).sign();
        ServerAuditRecord record = log.list(checkpoint.seq() - 1, 1).get(0);

        ExportedEvent exported = ExportedEvents.of(record, log);
        assertThat(exported.details()).containsEntry(ExportedEvents.CHECKPOINT_SIGNATURE, checkpoint.jws());
        assertThat(record.event().details())
                .as("the stored record is unchanged")
                .doesNotContainKey(ExportedEvents.CHECKPOINT_SIGNATURE);
        ExportOrigin origin = new ExportOrigin("node-1", "sc-server", "0.1.0");
        assertThat(CefFormat.line(exported, origin)).contains(checkpoint.jws()).contains(checkpoint.hash());
        assertThat(LeefFormat.line(exported, origin)).contains(checkpoint.jws()).contains(checkpoint.hash());
        assertThat(Rfc5424Format.message(exported, origin, 13))
                .contains(checkpoint.jws())
                .contains(checkpoint.hash());
        assertThat(JsonEventFormat.line(exported, origin))
                .contains(checkpoint.jws())
                .contains(checkpoint.hash());

        ServerAuditRecord other = log.list(0, 1).get(0);
        assertThat(ExportedEvents.of(other, log).details()).doesNotContainKey(ExportedEvents.CHECKPOINT_SIGNATURE);
    }

    @Test
    void aCheckpointPassesEveryFilter() {
        EventFilter onlySessionsAtNotice = new EventFilter(
                dev.secureconnect.events.Severity.NOTICE,
                java.util.List.of(new EventFilter.IdRange(1200, 1299)),
                java.util.Set.of("sessions"));
        assertThat(onlySessionsAtNotice.passes(EventType.AUDIT_CHECKPOINT)).isTrue();
        assertThat(onlySessionsAtNotice.passes(EventType.AUDIT_EXPORTED)).isFalse();
    }
}
