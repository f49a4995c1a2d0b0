package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.ServiceEntry;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.channel.DefaultEventLoop;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link's gate: no session while disabled, on a closing or replaced link, or on a ticket not accepted. */
class LinkGateTest {

    private static final String TICKET = "12345678";
    private static final List<ServiceEntry> SERVICES = List.of(new ServiceEntry("ssh", 22));

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AdminState state = new AdminState(loop, written -> {}, "SN-TEST");
    private final LinkAttempt current = new LinkAttempt(null);
    private final LinkAttempt replaced = new LinkAttempt(null);
    private final LinkGate gate =
            new LinkGate(state, attempt -> attempt.serving(current), attempt -> attempt == current);

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void refusesWhileDisabledAndOnALinkThatIsNotServing() {
        onLoop(() -> {
            state.restore(new ApplianceState(false, List.of()));
            assertRefused(gate.check(current), "disabled");

            state.enabled(true);
            assertRefused(gate.check(current), "link-closing"); // not up yet
            current.up = true;
            assertThat(gate.check(current).allowed()).isTrue();
            assertRefused(gate.check(replaced), "link-closing");
            current.intentional = true;
            assertRefused(gate.check(current), "link-closing");
        });
    }

    @Test
    void aTicketIsAcceptedOnlyOnTheCurrentLinkOnceTheServerAcceptedIt() {
        onLoop(() -> {
            state.enabled(true);
            current.up = true;
            state.tickets().connect(TICKET, Instant.EPOCH);
            assertThat(gate.ticketAccepted(current, TICKET)).isFalse();
            assertThat(gate.connectPolicy(current, SERVICES).decide(connect(22)).code())
                    .isEqualTo("ticket-not-connected");

            state.tickets().admit(new Admission(List.of(Admission.Verdict.accept(TICKET))));
            assertThat(gate.ticketAccepted(current, TICKET)).isTrue();
            assertThat(gate.ticketAccepted(replaced, TICKET)).isFalse();
            assertThat(gate.connectPolicy(current, SERVICES).decide(connect(22)).allowed())
                    .isTrue();

            state.enabled(false);
            assertThat(gate.connectPolicy(current, SERVICES).decide(connect(22)).code())
                    .as("the gate comes before the allow-list")
                    .isEqualTo("disabled");
        });
    }

    private static StreamRequest connect(int port) {
        return new StreamRequest("127.0.0.1", port, "s-1", TICKET, "");
    }

    private static void assertRefused(AccessVerdict<?> verdict, String code) {
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.status()).isEqualTo(403);
        assertThat(verdict.code()).isEqualTo(code);
    }

    private void onLoop(Runnable work) {
        try {
            loop.submit(work).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
