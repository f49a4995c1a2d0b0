package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.ServiceEntry;
import io.netty.channel.DefaultEventLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hello this appliance offers and the server's verdicts on it, without a link. */
class TicketOfferTest {

    private static final String SERVER = "support.example.com:8443";

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<ApplianceAuditEvent> recorded = new CopyOnWriteArrayList<>();
    private final List<ApplianceState> saved = new CopyOnWriteArrayList<>();
    private final AdminState state = new AdminState(loop, saved::add, "SN-TEST");
    private final TicketOffer offer = new TicketOffer(
            loop,
            "SN-TEST",
            "1.2.3",
            SERVER,
            state,
            new Sessions(recorded::add, Clock.systemUTC(), Duration.ofSeconds(5), "SN-TEST"),
            new LinkAudit(loop, recorded::add, "SN-TEST", SERVER));
    private final ApplianceConfig config = new ApplianceConfig(
            new ServerAddress("support.example.com", 8443),
            null,
            null,
            null,
            null,
            List.of(new ServiceEntry("ssh", 22)),
            null,
            null);

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void theHelloOffersEveryTicketNotRefusedWithTheServicesAndTheLatestCheckpoint() {
        Hello first = onLoop(() -> {
            state.enabled(true);
            state.tickets().connect("11111111", Instant.EPOCH);
            state.tickets().connect("22222222", Instant.EPOCH);
            return offer.hello(config);
        });
        assertThat(first)
                .isEqualTo(new Hello(
                        "SN-TEST",
                        LinkProtocol.VERSION,
                        "1.2.3",
                        List.of("11111111", "22222222"),
                        List.of(new ServiceEntry("ssh", 22)),
                        ""));

        Hello later = onLoop(() -> {
            offer.checkpoint("header.payload.signature");
            offer.admit(new Admission(List.of(Admission.Verdict.refuse("22222222", "unknown ticket"))));
            return offer.hello(config);
        });
        assertThat(later.tickets()).containsExactly("11111111");
        assertThat(later.auditCheckpoint()).isEqualTo("header.payload.signature");
    }

    @Test
    void aRefusalIsAuditedAndSavedAnAcceptanceIsNot() {
        onLoop(() -> {
            state.enabled(true);
            state.tickets().connect("11111111", Instant.EPOCH);
            state.tickets().connect("22222222", Instant.EPOCH);
            return offer.admit(new Admission(List.of(Admission.Verdict.accept("11111111"))));
        });
        assertThat(saved).as("an acceptance is not persisted").isEmpty();
        assertThat(recorded).isEmpty();

        Tickets.Admitted admitted = onLoop(() -> offer.admit(
                new Admission(List.of(Admission.Verdict.refuse("22222222", "ticket closed by the engineer")))));

        assertThat(admitted.refused()).extracting(t -> t.number).containsExactly("22222222");
        assertThat(recorded).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.TICKET_REFUSED);
            assertThat(event.ticket()).isEqualTo("22222222");
            assertThat(event.target()).isEqualTo(SERVER);
            assertThat(event.reason()).isEqualTo("ticket closed by the engineer");
        });
        assertThat(saved).singleElement().satisfies(written -> assertThat(
                        written.tickets().get(1).refusal())
                .isEqualTo("ticket closed by the engineer"));
    }

    private <T> T onLoop(Callable<T> work) {
        try {
            return loop.submit(work).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
