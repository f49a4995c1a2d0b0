package dev.secureconnect.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.events.EventType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditRowTest {

    private static final ServerAuditEvent OPENED = ServerAuditEvent.builder(EventType.TICKET_OPENED)
            .actor("alice")
            .ticket("12345678")
            .detail("title", "disk array alarm")
            .build();

    @Test
    void theCanonicalEncodingIsTheDocumentedText() {
        AuditRow row = AuditRow.of(42, Instant.ofEpochMilli(1767225600123L), OPENED, HashChain.GENESIS);

        assertThat(new String(row.canonical(), UTF_8)).isEqualTo("""
                        secureconnect-audit-v1
                        seq=42
                        time=1767225600123
                        event=1000
                        actor=5:alice
                        appliance=~
                        ticket=8:12345678
                        session=~
                        source=~
                        outcome=7:success
                        details=28:{"title":"disk array alarm"}
                        """);
        assertThat(row.hash()).isEqualTo(HashChain.link(HashChain.GENESIS, row.canonical()));
    }

    @Test
    void valuesAreLengthPrefixedSoNullEmptyAndEmbeddedNewlinesCannotCollide() {
        ServerAuditEvent nullActor =
                ServerAuditEvent.builder(EventType.TICKET_OPENED).build();
        ServerAuditEvent emptyActor =
                ServerAuditEvent.builder(EventType.TICKET_OPENED).actor("").build();
        ServerAuditEvent sneaky = ServerAuditEvent.builder(EventType.TICKET_OPENED)
                .actor("x\nappliance=1:y")
                .build();
        ServerAuditEvent plain = ServerAuditEvent.builder(EventType.TICKET_OPENED)
                .actor("x")
                .appliance("y")
                .build();
        Instant time = Instant.EPOCH;

        assertThat(AuditRow.of(1, time, nullActor, HashChain.GENESIS).hash())
                .isNotEqualTo(
                        AuditRow.of(1, time, emptyActor, HashChain.GENESIS).hash());
        assertThat(AuditRow.of(1, time, sneaky, HashChain.GENESIS).hash())
                .isNotEqualTo(AuditRow.of(1, time, plain, HashChain.GENESIS).hash());
        assertThat(new String(
                        AuditRow.of(1, time, emptyActor, HashChain.GENESIS).canonical(), UTF_8))
                .contains("\nactor=0:\n");
    }

    @Test
    void aRowReadsBackAsTheRecordItWasMadeFrom() {
        Instant time = Instant.parse("2026-01-01T00:00:00.123Z");
        AuditRow row = AuditRow.of(7, time, OPENED, "c".repeat(64));

        assertThat(row.toRecord()).isEqualTo(new ServerAuditRecord(7, time, OPENED, "c".repeat(64), row.hash()));
    }
}
