package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceState;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The switch and the tickets on the link's loop: restored, saved as a snapshot, a failed save reported. */
class AdminStateTest {

    private static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<ApplianceState> disk = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void restoresAndSavesTheSwitchAndTheTickets() {
        AdminState state = new AdminState(loop, disk::add, "SN-TEST");
        ApplianceState saved = new ApplianceState(
                true, List.of(new ApplianceState.Ticket("12345678", NOW.toString(), "unknown ticket")));

        onLoop(() -> {
            state.restore(saved);
            assertThat(state.enabled()).isTrue();
            assertThat(state.linkWanted()).as("the one ticket is refused").isFalse();
            state.tickets().connect("87654321", NOW);
            assertThat(state.linkWanted()).isTrue();
            return state.save();
        });
        state.awaitLastSave(Duration.ofSeconds(5));

        assertThat(disk).singleElement().satisfies(written -> {
            assertThat(written.enabled()).isTrue();
            assertThat(written.tickets())
                    .extracting(ApplianceState.Ticket::number)
                    .containsExactly("12345678", "87654321");
            assertThat(written.tickets().get(0).refusal()).isEqualTo("unknown ticket");
        });

        onLoop(() -> {
            state.enabled(false);
            return state.save();
        });
        assertThat(disk.get(disk.size() - 1).enabled()).isFalse();
    }

    @Test
    void aSaveThatCannotBeWrittenFailsItsFuture() {
        AdminState state = new AdminState(
                loop,
                written -> {
                    throw new ApplianceException("cannot write state.json: read-only file system");
                },
                "SN-TEST");

        CompletableFuture<?> saved = onLoop(state::save);

        assertThat(saved).isCompletedExceptionally();
        state.awaitLastSave(Duration.ofMillis(10)); // returns: the failure was logged
    }

    private <T> T onLoop(Callable<T> work) {
        try {
            return loop.submit(work).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
