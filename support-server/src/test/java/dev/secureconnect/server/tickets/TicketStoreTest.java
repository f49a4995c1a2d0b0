package dev.secureconnect.server.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

class TicketStoreTest {

    private final MutableClock clock = MutableClock.atNewYear2026();

    @StorageTest
    void openHandsOutARandomEightDigitNumberAndAuditsIt(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TicketStore store = new TicketStore(test.database(), audit, clock);

        Ticket ticket = store.open("  Disk array alarm  ", "SN-1234", "operator:root");

        assertThat(ticket.number().value()).matches("[1-9][0-9]{7}");
        assertThat(ticket)
                .isEqualTo(new Ticket(
                        ticket.number(),
                        "Disk array alarm",
                        "SN-1234",
                        Ticket.Status.OPEN,
                        clock.instant(),
                        null,
                        "operator:root",
                        null));
        assertThat(store.find(ticket.number())).contains(ticket);
        List<ServerAuditRecord> records = audit.list(0, 10);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).event().type()).isEqualTo(EventType.TICKET_OPENED);
        assertThat(records.get(0).event().ticket()).isEqualTo(ticket.number().value());
        assertThat(records.get(0).event().actor()).isEqualTo("operator:root");
        assertThat(records.get(0).event().applianceSerial()).isEqualTo("SN-1234");
        assertThat(records.get(0).event().details()).containsExactly(Map.entry("title", "Disk array alarm"));
    }

    @StorageTest
    void listShowsEveryTicketOldestFirst(TestDatabase test) {
        TicketStore store = new TicketStore(test.database(), new ServerAuditLog(test.database(), clock), clock);
        Ticket first = store.open("first", null, "alice");
        clock.advance(Duration.ofMinutes(1));
        Ticket second = store.open("second", "SN-2", "bob");

        assertThat(store.list()).containsExactly(first, second);
        assertThat(first.number()).isNotEqualTo(second.number());
    }

    @StorageTest
    void closeClosesAnOpenTicketOnceAndAuditsIt(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TicketStore store = new TicketStore(test.database(), audit, clock);
        Ticket ticket = store.open("t", "SN-1", "alice");
        clock.advance(Duration.ofHours(2));

        Ticket closed = store.close(ticket.number(), "bob");

        assertThat(closed.status()).isEqualTo(Ticket.Status.CLOSED);
        assertThat(closed.closedAt()).isEqualTo(clock.instant());
        assertThat(closed.closedBy()).isEqualTo("bob");
        assertThat(store.find(ticket.number())).contains(closed);
        ServerAuditRecord last = audit.list(1, 10).get(0);
        assertThat(last.event().type()).isEqualTo(EventType.TICKET_CLOSED);
        assertThat(last.event().ticket()).isEqualTo(ticket.number().value());
        assertThat(last.event().actor()).isEqualTo("bob");
        assertThat(last.event().applianceSerial()).isEqualTo("SN-1");

        assertThatThrownBy(() -> store.close(ticket.number(), "bob"))
                .isInstanceOf(TicketException.class)
                .hasMessage("ticket " + ticket.number() + " is already closed")
                .extracting(e -> ((TicketException) e).reason())
                .isEqualTo(TicketException.Reason.ALREADY_CLOSED);
        assertThat(audit.lastSeq()).isEqualTo(2);
    }

    @StorageTest
    void closingAnUnknownTicketIsRefusedAndAuditsNothing(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TicketStore store = new TicketStore(test.database(), audit, clock);

        assertThatThrownBy(() -> store.close(new TicketNumber("87654321"), "bob"))
                .isInstanceOf(TicketException.class)
                .hasMessage("ticket 87654321 does not exist")
                .extracting(e -> ((TicketException) e).reason())
                .isEqualTo(TicketException.Reason.UNKNOWN_TICKET);
        assertThat(audit.lastSeq()).isZero();
        assertThat(store.find(new TicketNumber("87654321"))).isEmpty();
    }

    @StorageTest
    void admitAcceptsOpenTicketsForTheirApplianceAndRefusesTheRestWithAReason(TestDatabase test) {
        TicketStore store = new TicketStore(test.database(), new ServerAuditLog(test.database(), clock), clock);
        TicketNumber anyAppliance = store.open("any", null, "alice").number();
        TicketNumber forSn1 = store.open("bound", "SN-1", "alice").number();
        TicketNumber closed = store.open("done", "SN-1", "alice").number();
        store.close(closed, "alice");
        TicketNumber unknown = new TicketNumber("00000000");

        assertThat(store.admit(anyAppliance, "SN-9").accepted()).isTrue();
        assertThat(store.admit(forSn1, "SN-1")).isEqualTo(new Admission(forSn1, null));
        assertThat(store.admit(forSn1, "SN-1").reason()).isEqualTo("accepted");
        assertThat(store.admit(forSn1, "SN-2").reason()).isEqualTo("ticket is for another appliance");
        assertThat(store.admit(closed, "SN-1").reason()).isEqualTo("ticket closed");
        assertThat(store.admit(unknown, "SN-1").reason()).isEqualTo("unknown ticket");
        assertThat(store.admit(unknown, "SN-1").refusal()).isEqualTo(Admission.Refusal.UNKNOWN_TICKET);
        assertThat(store.admit(unknown, "SN-1").accepted()).isFalse();
    }

    @StorageTest
    void aNumberThatIsTakenIsDrawnAgain(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TicketStore store = new TicketStore(test.database(), audit, clock, draws(12345678, 12345678, 23456789));

        Ticket first = store.open("first", null, "alice");
        Ticket second = store.open("second", null, "alice");

        assertThat(first.number().value()).isEqualTo("12345678");
        assertThat(second.number().value()).isEqualTo("23456789");
    }

    @StorageTest
    void drawingIsBoundedAndGivesUpWithAClearMessage(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TicketStore store = new TicketStore(test.database(), audit, clock, draws(12345678));
        store.open("first", null, "alice");

        assertThatThrownBy(() -> store.open("second", null, "alice"))
                .isInstanceOf(TicketException.class)
                .hasMessage("no free ticket number found in 16 random draws; try again");
        assertThat(store.list()).hasSize(1);
        assertThat(audit.lastSeq()).isEqualTo(1);
    }

    @StorageTest
    void badTitlesSerialsAndActorsAreRefusedBeforeAnythingIsWritten(TestDatabase test) {
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        TicketStore store = new TicketStore(test.database(), audit, clock);

        assertThatThrownBy(() -> store.open(" ", null, "alice")).hasMessage("title is missing");
        assertThatThrownBy(() -> store.open("a\nb", null, "alice"))
                .hasMessage("title must be one line of text, without control characters");
        assertThatThrownBy(() -> store.open("x".repeat(201), null, "alice"))
                .hasMessage("title is too long: 201 characters (expected: at most 200)");
        assertThatThrownBy(() -> store.open("t", "", "alice")).hasMessage("appliance serial is missing");
        assertThatThrownBy(() -> store.open("t", null, null)).hasMessage("actor is missing");
        assertThat(store.list()).isEmpty();
        assertThat(audit.lastSeq()).isZero();
    }

    @StorageTest
    void ticketsOpenedThroughTwoPoolsAtOnceGetDistinctNumbersAndOneChain(TestDatabase test) throws Exception {
        Database second = test.open();
        TicketStore a = new TicketStore(test.database(), new ServerAuditLog(test.database(), clock), clock);
        TicketStore b = new TicketStore(second, new ServerAuditLog(second, clock), clock);
        FutureTask<Void> other = new FutureTask<>(() -> {
            for (int i = 0; i < 10; i++) {
                b.open("b" + i, null, "bob");
            }
            return null;
        });
        new Thread(other, "second-pool").start();
        for (int i = 0; i < 10; i++) {
            a.open("a" + i, null, "alice");
        }
        other.get(60, TimeUnit.SECONDS);

        assertThat(a.list()).hasSize(20).extracting(Ticket::number).doesNotHaveDuplicates();
        assertThat(new ServerAuditLog(test.database(), clock).verify().checked())
                .isEqualTo(20);
    }

    /** A random source that yields the given numbers in turn, repeating the last one. */
    private static RandomGenerator draws(int... numbers) {
        return new RandomGenerator() {
            private int next;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int origin, int bound) {
                int value = numbers[Math.min(next++, numbers.length - 1)];
                assertThat(value).isBetween(origin, bound - 1);
                return value;
            }
        };
    }
}
