package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.chain.ChainCheckpoint;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An appliance's hello carries its audit checkpoint: the server verifies it with the link certificate and keeps it. */
class ApplianceCheckpointLinkTest {

    @TempDir
    Path temp;

    @Test
    void theServerKeepsTheCheckpointOfTheLinkAndRefusesARegressionOnTheNextLink() throws Exception {
        try (RunningServer server = new RunningServer(temp)) {
            String ticket = server.openTicket();
            Instant signedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            String jws = ChainCheckpoint.sign(
                            RunningServer.SERIAL, 42, "a".repeat(64), signedAt, server.appliance.privateKey())
                    .jws();
            try (FakeAppliance appliance = new FakeAppliance(
                    server.appliance, RunningServer.SERIAL, server.daemon.applianceAddress(), List.of(ticket), jws)) {
                ServerAuditRecord kept = server.awaitAudit(EventType.APPLIANCE_CHECKPOINT, r -> true);
                assertThat(kept.event().details())
                        .containsEntry("checkpointSeq", "42")
                        .containsEntry("signedAt", signedAt.toString());
            }

            String[] list = {"appliances", "--dir", server.dir.toString()};
            StringWriter out = new StringWriter();
            assertThat(dev.secureconnect.server.cli.ScServer.run(
                            new PrintWriter(out), new PrintWriter(new StringWriter()), list))
                    .isZero();
            assertThat(out.toString()).contains("held 42 records signed at " + signedAt);
            Path anchor = temp.resolve("anchor.json");
            assertThat(RunningServer.sc(
                            "appliances",
                            "--dir",
                            server.dir.toString(),
                            "--checkpoint",
                            RunningServer.SERIAL,
                            "--out",
                            anchor.toString()))
                    .isZero();
            assertThat(ChainCheckpoint.verified(
                                    new com.fasterxml.jackson.databind.ObjectMapper()
                                            .readTree(Files.readString(anchor))
                                            .path("jws")
                                            .asText(),
                                    server.appliance.certificate().getPublicKey())
                            .seq())
                    .isEqualTo(42);

            String older = ChainCheckpoint.sign(
                            RunningServer.SERIAL, 7, "b".repeat(64), Instant.now(), server.appliance.privateKey())
                    .jws();
            RunningServer.waitFor("the first link down", () -> !server.daemon
                    .links()
                    .acceptedTickets(RunningServer.SERIAL)
                    .isPresent());
            try (FakeAppliance again = new FakeAppliance(
                    server.appliance, RunningServer.SERIAL, server.daemon.applianceAddress(), List.of(ticket), older)) {
                ServerAuditRecord refused = server.awaitAudit(EventType.APPLIANCE_CHECKPOINT_REFUSED, r -> true);
                assertThat(refused.event().details())
                        .containsEntry("checkpointSeq", "7")
                        .containsEntry("storedSeq", "42");
            }
        }
    }
}
