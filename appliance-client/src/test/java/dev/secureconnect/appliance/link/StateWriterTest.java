package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin's state written on a thread of its own: in order, the last state winning, each write's error returned. */
class StateWriterTest {

    private static final ApplianceState ON = new ApplianceState(true, List.of());
    private static final ApplianceState ON_WITH_TICKET =
            new ApplianceState(true, List.of(new ApplianceState.Ticket("12345678", "2026-12-07T05:00:00Z", null)));
    private static final ApplianceState OFF = new ApplianceState(false, List.of());

    @Test
    void writesOffTheCallersThreadInOrderSoTheLastStateWins() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<ApplianceState> disk = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        StateWriter writer = new StateWriter(state -> {
            threads.add(Thread.currentThread().getName());
            if (state == ON) {
                firstStarted.countDown();
                await(release);
            }
            disk.add(state);
        });

        CompletableFuture<?> first = writer.submit(ON);
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<?> second = writer.submit(ON_WITH_TICKET);
        CompletableFuture<?> third = writer.submit(OFF);
        assertThat(first).as("the caller does not wait for the disk").isNotDone();
        assertThat(second).isNotDone();

        release.countDown();
        third.get(5, TimeUnit.SECONDS);
        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(disk).containsExactly(ON, ON_WITH_TICKET, OFF);
        assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("sc-appliance-state"));
    }

    @Test
    void aWriteThatFailsFailsItsFutureAndTheNextOneIsStillWritten() throws Exception {
        List<ApplianceState> disk = new CopyOnWriteArrayList<>();
        StateWriter writer = new StateWriter(state -> {
            if (state == ON) {
                throw new ApplianceException("cannot write /appliance/state.json: No space left on device");
            }
            disk.add(state);
        });

        CompletableFuture<?> failed = writer.submit(ON);
        CompletableFuture<?> next = writer.submit(OFF);

        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ApplianceException.class)
                .hasMessageContaining("No space left on device");
        next.get(5, TimeUnit.SECONDS);
        assertThat(disk).containsExactly(OFF);
    }

    @Test
    void aStoreOfItsOwnWritesOnTheCallersThread() {
        List<String> threads = new CopyOnWriteArrayList<>();
        StateStore store = state -> threads.add(Thread.currentThread().getName());

        assertThat(store.submit(ON)).isCompleted();
        assertThat(threads).containsExactly(Thread.currentThread().getName());
        StateStore failing = state -> {
            throw new ApplianceException("cannot write");
        };
        assertThat(failing.submit(ON)).isCompletedExceptionally();
    }

    /** Waits for {@code latch} (a held write's release), at most 5 s. */
    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("not released within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
