package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.events.EventType;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link's audit records: a problem repeated attempt after attempt is recorded once; the admin waits for the last. */
class LinkAuditTest {

    private static final String SERVER = "support.example.com:8443";

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<ApplianceAuditEvent> recorded = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aRepeatedProblemIsRecordedOnceUntilTheLinkIsUp() {
        LinkAudit audit = new LinkAudit(loop, recorded::add, "SN-TEST", SERVER);

        onLoop(() -> {
            audit.handshakeRefused("this appliance refused the certificate of the server");
            audit.lost("this appliance refused the certificate of the server", false);
            audit.handshakeRefused("this appliance refused the certificate of the server");
            audit.lost("this appliance refused the certificate of the server", false);
            audit.lost("cannot reach the server", false);
            audit.up("server test");
            audit.lost("the server closed the link", true);
            audit.lost("the server closed the link", true);
            audit.closedOnPurpose("SecureConnect disabled by admin");
        });

        assertThat(recorded)
                .extracting(ApplianceAuditEvent::type)
                .containsExactly(
                        EventType.HANDSHAKE_REFUSED,
                        EventType.LINK_DOWN,
                        EventType.LINK_DOWN,
                        EventType.LINK_UP,
                        EventType.LINK_DOWN,
                        EventType.LINK_DOWN,
                        EventType.LINK_DOWN);
        assertThat(recorded.get(1).outcome()).isEqualTo(ApplianceAuditEvent.FAILURE);
        assertThat(recorded.get(2).reason()).isEqualTo("cannot reach the server");
        assertThat(recorded.get(3).reason()).isEqualTo("server test");
        assertThat(recorded.get(6).reason()).isEqualTo("SecureConnect disabled by admin");
        assertThat(recorded).allSatisfy(event -> assertThat(event.target()).isEqualTo(SERVER));
    }

    @Test
    void theAdminWaitsForTheLastRecordButAnswersAnywayAfterTheWait() {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        AuditSink slow = new AuditSink() {
            @Override
            public void record(ApplianceAuditEvent event) {
                throw new AssertionError("the loop never writes on its own thread");
            }

            @Override
            public CompletableFuture<?> submitRetried(ApplianceAuditEvent event) {
                return durable;
            }
        };
        LinkAudit audit = new LinkAudit(loop, slow, "SN-TEST", SERVER);
        onLoop(() -> audit.record(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "admin")));

        long started = System.nanoTime();
        audit.awaitLast(Duration.ofMillis(50));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(50));

        durable.complete(null);
        started = System.nanoTime();
        audit.awaitLast(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    private void onLoop(Runnable work) {
        try {
            loop.submit(work).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
