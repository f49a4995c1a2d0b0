package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.tunnel.link.Admission;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tickets and the server's verdicts, without a link: admission, persistence, what the hello offers. */
class TicketsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

    @Test
    void anAdmissionAcceptsAndRefusesAndIgnoresWhatItDoesNotKnow() {
        Tickets tickets = new Tickets();
        tickets.connect("11111111", NOW);
        tickets.connect("22222222", NOW);
        tickets.connect("33333333", NOW);

        Tickets.Admitted admitted = tickets.admit(new Admission(List.of(
                Admission.Verdict.accept("11111111"),
                Admission.Verdict.refuse("22222222", " "),
                Admission.Verdict.refuse("99999999", "unknown"))));

        assertThat(admitted.accepted()).extracting(t -> t.number).containsExactly("11111111");
        assertThat(admitted.refused()).extracting(t -> t.number).containsExactly("22222222");
        assertThat(tickets.get("22222222").refusal).isEqualTo("refused by the server");
        assertThat(tickets.accepted("11111111")).isTrue();
        assertThat(tickets.accepted("33333333")).isFalse();
        assertThat(tickets.offered()).containsExactly("11111111", "33333333");
        assertThat(tickets.anyPending()).isTrue();
        assertThat(tickets.refusals()).isEqualTo("ticket 22222222: refused by the server");

        // accepted again: no change reported; a refused ticket stays refused until connected again
        Tickets.Admitted again = tickets.admit(
                new Admission(List.of(Admission.Verdict.accept("11111111"), Admission.Verdict.accept("22222222"))));
        assertThat(again.accepted()).isEmpty();
        assertThat(tickets.get("22222222").status).isEqualTo(Tickets.Status.REFUSED);

        tickets.acceptedToPending();
        assertThat(tickets.anyAccepted()).isFalse();
        tickets.connect("22222222", NOW.plusSeconds(60));
        assertThat(tickets.get("22222222").status).isEqualTo(Tickets.Status.PENDING);
        assertThat(tickets.get("22222222").refusal).isNull();
        assertThat(tickets.get("22222222").connectedAt).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void onlyTheRefusalsSurviveARestart() {
        Tickets tickets = new Tickets();
        tickets.connect("11111111", NOW);
        tickets.connect("22222222", NOW);
        tickets.admit(new Admission(
                List.of(Admission.Verdict.accept("11111111"), Admission.Verdict.refuse("22222222", "ticket closed"))));

        List<ApplianceState.Ticket> saved = tickets.saved();
        assertThat(saved)
                .containsExactly(
                        new ApplianceState.Ticket("11111111", NOW.toString(), null),
                        new ApplianceState.Ticket("22222222", NOW.toString(), "ticket closed"));

        Tickets restored = Tickets.restore(new ApplianceState(true, saved));
        assertThat(restored.get("11111111").status).isEqualTo(Tickets.Status.PENDING);
        assertThat(restored.get("22222222").status).isEqualTo(Tickets.Status.REFUSED);
        assertThat(restored.saved()).isEqualTo(saved);
        assertThat(Tickets.restore(new ApplianceState(
                                true, List.of(new ApplianceState.Ticket("33333333", "garbled", null))))
                        .get("33333333")
                        .connectedAt)
                .isEqualTo(Instant.EPOCH);
    }

    @Test
    void theLinkIsWantedWhileATicketIsNotRefused() {
        Tickets tickets = new Tickets();
        assertThat(tickets.anyOffered()).isFalse();
        assertThat(tickets.allRefused()).as("vacuously").isTrue();
        tickets.connect("11111111", NOW);
        assertThat(tickets.anyOffered()).isTrue();
        tickets.admit(new Admission(List.of(Admission.Verdict.refuse("11111111", "no"))));
        assertThat(tickets.anyOffered()).isFalse();
        assertThat(tickets.allRefused()).isTrue();
    }
}
