package dev.secureconnect.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Separate JVMs appending to one database at the same time as this one still form one unbroken chain. */
class AuditCrossProcessTest {

    private static final int PROCESSES = 2;
    private static final int APPENDS_EACH = 25;

    @StorageTest
    void appendsFromSeveralProcessesFormOneChain(TestDatabase test) throws Exception {
        test.database(); // migrate before the children start
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            AppendingProcess.class.getName(),
                            test.settings().url(),
                            Integer.toString(APPENDS_EACH),
                            "process-" + i)
                    .redirectErrorStream(true)
                    .start());
        }
        ServerAuditLog log = new ServerAuditLog(test.database(), Clock.systemUTC());
        Set<Long> seqs = new HashSet<>();
        for (int i = 0; i < APPENDS_EACH; i++) {
            seqs.add(log.append(ServerAuditEvent.builder(EventType.TICKET_CLOSED)
                            .actor("parent")
                            .build())
                    .seq());
        }
        for (Process child : children) {
            String output = new String(child.getInputStream().readAllBytes(), UTF_8);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            String line = output.lines()
                    .filter(l -> l.startsWith("SEQS "))
                    .findFirst()
                    .orElseThrow();
            for (String seq : line.substring("SEQS ".length()).split(" ")) {
                assertThat(seqs.add(Long.parseLong(seq)))
                        .as("seq %s handed out twice", seq)
                        .isTrue();
            }
        }

        int total = (PROCESSES + 1) * APPENDS_EACH;
        assertThat(seqs).hasSize(total);
        AuditVerification verification = log.verify();
        assertThat(verification.ok()).as(verification.message()).isTrue();
        assertThat(verification.checked()).isEqualTo(total);
    }
}
