package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.TicketNumber;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link's state machine, driven through a fake {@link LinkConnector} (no socket, no TLS): the test plays the
 * connector's reports and the server's admissions on the supervisor's event loop and reads the status, the audit
 * events and the persisted state.
 */
class LinkSupervisorTest {

    private static final TicketNumber TICKET = TicketNumber.parse("12345678");
    private static final TicketNumber OTHER = TicketNumber.parse("87654321");

    /** Hands out an in-memory channel per attempt and keeps the attempt's events for the test to report on. */
    private static final class FakeConnector implements LinkConnector {
        final List<LinkConnector.Events> attempts = new CopyOnWriteArrayList<>();
        final List<Channel> channels = new CopyOnWriteArrayList<>();

        @Override
        public ServerAddress server() {
            return new ServerAddress("support.example.com", 8443);
        }

        @Override
        public Channel connect(Events events, Supplier<ChannelHandler> streams) {
            EmbeddedChannel channel = new EmbeddedChannel();
            attempts.add(events);
            channels.add(channel);
            return channel;
        }
    }

    @TempDir
    Path dir;

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final FakeConnector connector = new FakeConnector();
    private final List<ApplianceAuditEvent> audit = new CopyOnWriteArrayList<>();
    private final List<ApplianceState> saved = new CopyOnWriteArrayList<>();
    private LinkSupervisor supervisor;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve(ApplianceDirectory.CONFIG_FILE), "{}");
        ApplianceConfig config = new ApplianceConfig(
                connector.server(),
                null,
                new ApplianceConfig.Backoff(Duration.ofMillis(20), Duration.ofMillis(40)),
                null,
                null,
                null,
                null,
                null);
        TrustMaterial trust = TrustMaterial.withoutRevocationCheck(
                List.of(TestPki.shared().rootCertificate()),
                List.of(TestPki.shared().issuingCertificate()));
        supervisor = new LinkSupervisor(
                loop,
                connector,
                config,
                "SN-TEST",
                "test",
                audit::add,
                saved::add,
                Clock.systemUTC(),
                ApplianceDirectory.open(dir),
                trust);
        supervisor.start(ApplianceState.INITIAL);
    }

    @AfterEach
    void tearDown() throws Exception {
        supervisor.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void connectAdmitRefuseConnectAgainAndDisable() throws Exception {
        assertThat(state()).isEqualTo("disabled");
        assertThatThrownBy(() -> supervisor.connect(TICKET, "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("SecureConnect is disabled");

        supervisor.enable("admin");
        assertThat(state()).isEqualTo("idle");
        assertThat(connector.attempts).isEmpty();

        supervisor.connect(TICKET, "admin");
        assertThat(connector.attempts).hasSize(1);
        assertThat(state()).isEqualTo("connecting");
        assertThat(saved.get(saved.size() - 1).tickets())
                .extracting(ApplianceState.Ticket::number)
                .containsExactly(TICKET.value());

        up(0);
        assertThat(state()).isEqualTo("connected");
        assertThat(supervisor.status().link().serverIdentity()).isEqualTo("server test");
        assertThat(types()).contains(EventType.LINK_UP);

        assertThat(admit(0, Admission.Verdict.accept(TICKET.value()))).isEqualTo(200);
        assertThat(ticketStatus(TICKET)).isEqualTo("accepted");

        assertThat(admit(0, Admission.Verdict.refuse(TICKET.value(), "ticket closed\nby the engineer")))
                .isEqualTo(200);
        ApplianceStatus refused = supervisor.status();
        assertThat(refused.link().state()).isEqualTo("refused");
        assertThat(refused.link().reason()).isEqualTo("ticket 12345678: ticket closed; by the engineer");
        assertThat(connector.channels.get(0).isOpen()).isFalse();
        assertThat(types()).contains(EventType.TICKET_REFUSED, EventType.LINK_REFUSED, EventType.LINK_DOWN);
        assertThat(saved.get(saved.size() - 1).tickets().get(0).refusal()).isEqualTo("ticket closed; by the engineer");
        assertThat(connector.attempts)
                .as("a refused ticket is not dialled again")
                .hasSize(1);

        // a late admission on the closed link is answered 503 and changes nothing
        assertThat(admit(0, Admission.Verdict.accept(TICKET.value()))).isEqualTo(503);
        assertThat(ticketStatus(TICKET)).isEqualTo("refused");

        supervisor.connect(TICKET, "admin");
        assertThat(connector.attempts).as("connecting again dials at once").hasSize(2);
        assertThat(ticketStatus(TICKET)).isEqualTo("pending");
        assertThat(audit.get(audit.size() - 1).reason()).isEqualTo("connected again after the server refused it");

        up(1);
        supervisor.disable("admin");
        assertThat(state()).isEqualTo("disabled");
        assertThat(connector.channels.get(1).isOpen()).isFalse();
        assertThat(supervisor.status().connections()).isEmpty();
        assertThat(saved.get(saved.size() - 1)).isEqualTo(new ApplianceState(false, List.of()));
        assertThat(types()).contains(EventType.SECURECONNECT_DISABLED, EventType.TICKET_DISCONNECTED);
        assertThat(connector.attempts).hasSize(2);
    }

    @Test
    void aFailedLinkBacksOffThenDialsAgain() throws Exception {
        supervisor.enable("admin");
        supervisor.connect(TICKET, "admin");
        onLoop(() -> {
            connector.attempts.get(0).problem("cannot reach the server");
            connector.attempts.get(0).problem("a later problem is not the one shown");
            return connector.channels.get(0).close();
        });
        ApplianceStatus backingOff = supervisor.status();
        if (connector.attempts.size() == 1) { // the 20-40 ms back-off may already be over
            assertThat(backingOff.link().state()).isEqualTo("backing-off");
            assertThat(backingOff.link().reason()).isEqualTo("cannot reach the server");
            assertThat(backingOff.link().retryAt()).isNotNull();
        }
        ApplianceAuditEvent down = audit.stream()
                .filter(e -> e.type() == EventType.LINK_DOWN)
                .findFirst()
                .orElseThrow();
        assertThat(down.outcome()).isEqualTo(ApplianceAuditEvent.FAILURE);
        assertThat(down.reason()).isEqualTo("cannot reach the server");

        Eventually.await("the link dialled again", () -> connector.attempts.size(), n -> n == 2);
        assertThat(state()).isEqualTo("connecting");

        // the same problem again is not audited again
        onLoop(() -> {
            connector.attempts.get(1).problem("cannot reach the server");
            return connector.channels.get(1).close();
        });
        assertThat(audit.stream().filter(e -> e.type() == EventType.LINK_DOWN)).hasSize(1);

        Eventually.await("the link dialled a third time", () -> connector.attempts.size(), n -> n == 3);
        up(2);
        assertThat(admit(2, Admission.Verdict.accept(TICKET.value()))).isEqualTo(200);

        // a link lost after it was up: dialled again, its tickets pending until admitted again
        onLoop(() -> connector.channels.get(2).close());
        assertThat(ticketStatus(TICKET)).isEqualTo("pending");
        Eventually.await("the lost link dialled again", () -> connector.attempts.size(), n -> n == 4);
    }

    @Test
    void theLinkClosesWhenNoTicketIsLeftAndTheHandshakeRefusalIsAuditedOnce() throws Exception {
        supervisor.enable("admin");
        supervisor.connect(TICKET, "admin");
        supervisor.connect(OTHER, "admin");
        assertThat(connector.attempts).as("one link carries every ticket").hasSize(1);
        onLoop(() -> {
            connector.attempts.get(0).serverRefused("this appliance refused the certificate of the server");
            return null;
        });
        assertThat(types()).containsOnlyOnce(EventType.HANDSHAKE_REFUSED);
        onLoop(() -> connector.channels.get(0).close());
        Eventually.await("dialled again", () -> connector.attempts.size(), n -> n == 2);
        onLoop(() -> {
            connector.attempts.get(1).serverRefused("this appliance refused the certificate of the server");
            return null;
        });
        assertThat(types()).as("the same refusal is audited once").containsOnlyOnce(EventType.HANDSHAKE_REFUSED);

        up(1);
        supervisor.disconnect(null, "admin");
        assertThat(state()).isEqualTo("idle");
        assertThat(connector.channels.get(1).isOpen()).isFalse();
        assertThat(audit.stream().filter(e -> e.type() == EventType.TICKET_DISCONNECTED))
                .hasSize(2);
        assertThat(connector.attempts).hasSize(2);
    }

    @Test
    void aSecondInstanceRestoresTheSwitchAndTheRefusals() {
        supervisor.enable("admin");
        supervisor.connect(TICKET, "admin");
        up(0);
        admit(0, Admission.Verdict.refuse(TICKET.value(), "unknown ticket"));
        ApplianceState persisted = saved.get(saved.size() - 1);

        LinkSupervisor restarted = new LinkSupervisor(
                loop,
                new FakeConnector(),
                ApplianceConfig.defaults(connector.server()),
                "SN-TEST",
                "test",
                audit::add,
                saved::add,
                Clock.systemUTC(),
                ApplianceDirectory.open(dir),
                TrustMaterial.withoutRevocationCheck(List.of(TestPki.shared().rootCertificate()), List.of()));
        try {
            restarted.start(persisted);
            ApplianceStatus status = restarted.status();
            assertThat(status.enabled()).isTrue();
            assertThat(status.link().state()).isEqualTo("refused");
            assertThat(status.connections()).singleElement().satisfies(row -> assertThat(row.reason())
                    .isEqualTo("unknown ticket"));
        } finally {
            restarted.close();
        }
    }

    // ---- playing the connector and the server, on the supervisor's loop ------------------------------------------

    private void up(int attempt) {
        onLoop(() -> {
            connector.attempts.get(attempt).up(connector.channels.get(attempt), "server test");
            return null;
        });
    }

    private int admit(int attempt, Admission.Verdict verdict) {
        int[] answer = {0};
        onLoop(() -> {
            supervisor.admission(
                    (LinkAttempt) connector.attempts.get(attempt),
                    new Admission(List.of(verdict)),
                    status -> answer[0] = status);
            return null;
        });
        return answer[0];
    }

    private <T> T onLoop(Callable<T> work) {
        try {
            return loop.submit(work).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String state() {
        return supervisor.status().link().state();
    }

    private String ticketStatus(TicketNumber number) {
        return supervisor.status().connections().stream()
                .filter(c -> c.ticket().equals(number.value()))
                .findFirst()
                .orElseThrow()
                .status();
    }

    private List<EventType> types() {
        return audit.stream().map(ApplianceAuditEvent::type).toList();
    }
}
