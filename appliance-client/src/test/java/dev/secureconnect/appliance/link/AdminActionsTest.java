package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.TicketNumber;
import io.netty.channel.DefaultEventLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin's commands without a link: a fake plays the supervisor's state machine; the switch and the tickets are
 * saved through a store the test holds or fails.
 */
class AdminActionsTest {

    private static final TicketNumber TICKET = TicketNumber.parse("12345678");
    private static final TicketNumber OTHER = TicketNumber.parse("87654321");

    /** Notes what the commands ask of the link. */
    private static final class FakeLink implements AdminActions.Link {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void cut(String why) {
            calls.add("cut: " + why);
        }

        @Override
        public void dialAtOnce() {
            calls.add("dial at once");
        }

        @Override
        public void follow() {
            calls.add("follow");
        }

        @Override
        public String describe() {
            return "the link is connecting";
        }
    }

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ExecutorService admins = Executors.newCachedThreadPool();
    private final List<ApplianceAuditEvent> recorded = new CopyOnWriteArrayList<>();
    private final List<ApplianceState> disk = new CopyOnWriteArrayList<>();
    private final FakeLink link = new FakeLink();

    @AfterEach
    void tearDown() throws Exception {
        admins.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void enableConnectDisconnectAndTheKillSwitch() {
        AdminActions admin = actions(new AdminState(loop, disk::add, "SN-TEST"));

        assertThat(admin.enable("admin")).startsWith("SecureConnect enabled");
        assertThat(disk).containsExactly(new ApplianceState(true, List.of()));
        assertThat(admin.enable("admin")).isEqualTo("SecureConnect is already enabled");
        assertThat(disk).as("nothing changed, nothing saved").hasSize(1);

        assertThat(admin.connect(TICKET, "admin")).isEqualTo("ticket 12345678 connected; the link is connecting");
        assertThat(admin.connect(TICKET, "admin")).isEqualTo("ticket 12345678 is already connected (pending)");
        assertThat(admin.connect(OTHER, "admin")).startsWith("ticket 87654321 connected");
        assertThat(disk.get(disk.size() - 1).tickets())
                .extracting(ApplianceState.Ticket::number)
                .containsExactly(TICKET.value(), OTHER.value());

        assertThat(admin.disconnect(OTHER, "admin")).isEqualTo("ticket 87654321 disconnected");
        assertThatThrownBy(() -> admin.disconnect(OTHER, "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("ticket 87654321 is not connected");

        assertThat(admin.disable("admin"))
                .isEqualTo("SecureConnect disabled: the link and every stream are closed, 1 ticket(s) disconnected");
        assertThat(disk.get(disk.size() - 1)).isEqualTo(new ApplianceState(false, List.of()));
        assertThat(admin.disconnect(null, "admin")).isEqualTo("no ticket was connected");

        assertThat(link.calls)
                .containsExactly(
                        "follow",
                        "dial at once",
                        "follow",
                        "dial at once",
                        "follow",
                        "follow",
                        "cut: SecureConnect disabled by admin",
                        "follow");
        assertThat(recorded)
                .extracting(ApplianceAuditEvent::type)
                .containsExactly(
                        EventType.SECURECONNECT_ENABLED,
                        EventType.TICKET_CONNECTED,
                        EventType.TICKET_CONNECTED,
                        EventType.TICKET_DISCONNECTED,
                        EventType.SECURECONNECT_DISABLED,
                        EventType.TICKET_DISCONNECTED);
    }

    @Test
    void connectingIsRefusedWhileDisabledAndBeyondTheMostTickets() {
        AdminActions admin = actions(new AdminState(loop, disk::add, "SN-TEST"));
        assertThatThrownBy(() -> admin.connect(TICKET, "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("SecureConnect is disabled");

        admin.enable("admin");
        for (int i = 0; i < Tickets.MAX; i++) {
            admin.connect(TicketNumber.parse(String.valueOf(10_000_000 + i)), "admin");
        }
        assertThatThrownBy(() -> admin.connect(OTHER, "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("already " + Tickets.MAX + " tickets connected: disconnect one first");
    }

    @Test
    void aStateThatCannotBeWrittenAnswersTheCommandWithTheErrorAndTheKillSwitchStillHolds() {
        AdminState state = new AdminState(
                loop,
                written -> {
                    if (!written.enabled()) {
                        throw new ApplianceException("cannot write /appliance/state.json: No space left on device");
                    }
                    disk.add(written);
                },
                "SN-TEST");
        AdminActions admin = actions(state);
        admin.enable("admin");
        admin.connect(TICKET, "admin");

        assertThatThrownBy(() -> admin.disable("admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("cannot write /appliance/state.json: No space left on device");

        assertThat((boolean) onLoop(state::enabled))
                .as("the kill switch does not wait for the disk")
                .isFalse();
        assertThat(link.calls).contains("cut: SecureConnect disabled by admin");
        assertThat(recorded).extracting(ApplianceAuditEvent::type).contains(EventType.SECURECONNECT_DISABLED);
    }

    @Test
    void theLoopStaysResponsiveWhileTheStateIsWrittenAndTwoQuickChangesLandInOrder() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StateWriter writer = new StateWriter(written -> {
            if (disk.isEmpty()) {
                firstWriteStarted.countDown();
                StateWriterTest.await(release);
            }
            disk.add(written);
        });
        AdminState state = new AdminState(loop, writer, "SN-TEST");
        AdminActions admin = actions(state);

        CompletableFuture<String> enabling = CompletableFuture.supplyAsync(() -> admin.enable("admin"), admins);
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();

        // the write is held: the loop still answers, the change is in effect, the admin's answer waits for the disk
        assertThat((boolean) onLoop(state::enabled)).isTrue();
        CompletableFuture<String> connecting =
                CompletableFuture.supplyAsync(() -> admin.connect(TICKET, "admin"), admins);
        Eventually.await(
                "the second change made on the loop while the first write is held",
                () -> onLoop(() -> state.tickets().size()),
                size -> size == 1);
        assertThat(enabling).isNotDone();
        assertThat(connecting).isNotDone();

        release.countDown();
        assertThat(enabling.get(5, TimeUnit.SECONDS)).startsWith("SecureConnect enabled");
        assertThat(connecting.get(5, TimeUnit.SECONDS)).startsWith("ticket 12345678 connected");
        assertThat(disk)
                .extracting(
                        ApplianceState::enabled, written -> written.tickets().size())
                .as("written in order: the last state wins")
                .containsExactly(tuple(true, 0), tuple(true, 1));
    }

    private static CaseNotice notice(String id, String stateName) {
        return new CaseNotice(
                id,
                id.substring(1),
                "disk /var full",
                "high",
                new CaseNotice.Scope(List.of("web"), List.of("df"), List.of("/var/log"), 4 * 3600),
                "2026-12-07T20:00:00Z",
                stateName);
    }

    @Test
    void approveConnectsTheCasesTicketLimitedToItsScopeAndTimeAndDeclineTellsTheServer() {
        AdminState state = new AdminState(loop, disk::add, "SN-TEST");
        AdminActions admin = actions(state);
        onLoop(() -> {
            state.cases(
                    List.of(notice("C12345678", "open"), notice("C22222222", "open"), notice("C33333333", "closed")));
            return null;
        });
        assertThatThrownBy(() -> admin.approve("C12345678", null, "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessageContaining("SecureConnect is disabled");
        admin.enable("admin");

        assertThatThrownBy(() -> admin.approve("C12345678", Duration.ofHours(5), "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("--for 5h is longer than case C12345678 asks for (4h): it may shorten the approval,"
                        + " never extend it");
        assertThat(admin.approve("C12345678", Duration.ofHours(1), "admin"))
                .startsWith("case C12345678 approved until ")
                .contains("ticket 12345678 connected");

        ApplianceState saved = disk.get(disk.size() - 1);
        ApplianceState.Ticket ticket = saved.tickets().get(0);
        assertThat(ticket.number()).isEqualTo("12345678");
        assertThat(ticket.scope()).isNotNull();
        assertThat(ticket.scope().commands()).containsExactly("df");
        assertThat(ticket.scope().expiry())
                .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        assertThat(saved.decisions()).extracting(CaseNotice.Decision::decision).containsExactly("approved");
        assertThat((Object) onLoop(() -> state.tickets().scope("12345678"))).isEqualTo(ticket.scope());

        assertThatThrownBy(() -> admin.approve("C12345678", null, "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("case C12345678 is already approved");
        assertThatThrownBy(() -> admin.decline("C33333333", "no", "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("case C33333333 is already closed");
        assertThatThrownBy(() -> admin.decline("C9\nX", "no", "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("no case 'C9?X' is known to this appliance (see 'sc-appliance cases')");

        assertThat(admin.decline("C22222222", "not during\nbusiness hours", "admin"))
                .startsWith("case C22222222 declined");
        assertThat(disk.get(disk.size() - 1).decisions())
                .extracting(CaseNotice.Decision::caseId, CaseNotice.Decision::decision, CaseNotice.Decision::reason)
                .containsExactly(
                        tuple("C12345678", "approved", ""),
                        tuple("C22222222", "declined", "not during?business hours"));
        assertThatThrownBy(() -> admin.decline("C22222222", "", "admin"))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("case C22222222 is already declined");

        // the server's next list shows both decisions: they are no longer carried
        onLoop(() -> {
            state.cases(List.of(notice("C12345678", "approved"), notice("C22222222", "declined")));
            return null;
        });
        assertThat((List<?>) onLoop(state::decisions)).isEmpty();
        assertThat(recorded)
                .extracting(ApplianceAuditEvent::type)
                .containsSubsequence(EventType.CASE_ADMIN_APPROVED, EventType.CASE_ADMIN_DECLINED);
    }

    private AdminActions actions(AdminState state) {
        return new AdminActions(
                loop,
                "SN-TEST",
                Clock.systemUTC(),
                state,
                new Sessions(recorded::add, Clock.systemUTC(), Duration.ofSeconds(5), "SN-TEST"),
                new LinkAudit(loop, recorded::add, "SN-TEST", "support.example.com:8443"),
                link);
    }

    private <T> T onLoop(Callable<T> work) {
        try {
            return loop.submit(work).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
