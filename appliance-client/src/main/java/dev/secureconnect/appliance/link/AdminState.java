package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.tunnel.link.CaseNotice;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin set: the switch and the tickets (with the server's verdicts), and their persistence. A save hands a
 * snapshot to the {@link StateStore} without the loop waiting for the disk ({@link StateWriter} in the
 * daemon); saves are written in the order they are made, so the last state wins on disk.
 *
 * <p>Used on the link's event loop only (asserted), except {@link #awaitLastSave}.
 */
final class AdminState {

    private static final Logger log = LoggerFactory.getLogger(AdminState.class);

    private final EventLoop loop;
    private final StateStore store;
    private final String serial;
    private boolean enabled;
    private Tickets tickets = new Tickets();
    /** The support cases the server last told of. */
    private List<CaseNotice> cases = List.of();
    /** The admin's decisions on cases that the server's list does not show yet, by case id. */
    private final Map<String, CaseNotice.Decision> decisions = new LinkedHashMap<>();
    /** The last save handed to the store (written on the loop, read by a stopping supervisor). */
    private volatile CompletableFuture<?> lastWrite = CompletableFuture.completedFuture(null);

    AdminState(EventLoop loop, StateStore store, String serial) {
        this.loop = requireNonNull(loop, "loop");
        this.store = requireNonNull(store, "store");
        this.serial = requireNonNull(serial, "serial");
    }

    /** Takes the persisted switch and tickets (a saved refusal is kept, every other ticket is pending again). */
    void restore(ApplianceState saved) {
        assert loop.inEventLoop();
        enabled = saved.enabled();
        tickets = Tickets.restore(saved);
        cases = saved.cases();
        decisions.clear();
        saved.decisions().forEach(d -> decisions.put(d.caseId(), d));
    }

    List<CaseNotice> cases() {
        assert loop.inEventLoop();
        return cases;
    }

    /**
     * Takes the server's list of cases; a decision the list shows (the case no longer open, or gone) is dropped.
     * {@link #save} persists them.
     */
    void cases(List<CaseNotice> known) {
        assert loop.inEventLoop();
        cases = List.copyOf(known);
        decisions.keySet().removeIf(id -> known.stream()
                .noneMatch(c -> c.id().equals(id) && c.state().equals("open")));
    }

    /** The decisions the hello carries. */
    List<CaseNotice.Decision> decisions() {
        assert loop.inEventLoop();
        return List.copyOf(decisions.values());
    }

    /** The admin decided on a case; {@link #save} persists it. */
    void decide(CaseNotice.Decision decision) {
        assert loop.inEventLoop();
        decisions.put(decision.caseId(), decision);
    }

    /** A case's state as this appliance knows it: the admin's pending decision, else the server's state. */
    String stateOf(CaseNotice notice) {
        assert loop.inEventLoop();
        CaseNotice.Decision decision = decisions.get(notice.id());
        return decision == null ? notice.state() : decision.decision();
    }

    boolean enabled() {
        assert loop.inEventLoop();
        return enabled;
    }

    /** Turns the switch; {@link #save} persists it. */
    void enabled(boolean on) {
        assert loop.inEventLoop();
        enabled = on;
    }

    Tickets tickets() {
        assert loop.inEventLoop();
        return tickets;
    }

    /** Whether a link is wanted: SecureConnect on and a ticket to offer. */
    boolean linkWanted() {
        assert loop.inEventLoop();
        return enabled && tickets.anyOffered();
    }

    /**
     * Hands the switch and the tickets as they are now to the store. The future completes once they are durable, or
     * fails with the write's error (logged here).
     */
    CompletableFuture<?> save() {
        assert loop.inEventLoop();
        ApplianceState state = new ApplianceState(enabled, tickets.saved(), cases, decisions());
        CompletableFuture<?> written = store.submit(state).whenComplete((done, failure) -> {
            if (failure != null) {
                log.error(
                        "appliance {}: cannot save the switch and the tickets: {}",
                        serial,
                        Sessions.unwrap(failure).getMessage());
            }
        });
        lastWrite = written;
        return written;
    }

    /**
     * Waits (from any thread, at most {@code wait}) until the last save handed to the store is written; a failure was
     * logged when it happened.
     */
    void awaitLastSave(Duration wait) {
        try {
            lastWrite.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // logged by save
        } catch (TimeoutException e) {
            log.warn(
                    "appliance {}: the switch and the tickets are not written after {}",
                    serial,
                    Durations.format(wait));
        }
    }
}
