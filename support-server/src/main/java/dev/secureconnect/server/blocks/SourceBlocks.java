package dev.secureconnect.server.blocks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.config.AddressRanges;
import dev.secureconnect.server.config.ServerConfig;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's {@link SourceGuard}: counts the failures of each source address within a sliding window and, at the
 * threshold, blocks the source for the configured duration — at once in memory (the next connection is closed at
 * accept), and in the database on the blocking executor ({@code source.blocked} audited). {@link #poll()}, run by
 * the daemon about once a second, reads the blocks in force, so that one lifted by {@code sc-server blocks remove}
 * in another process ends within a second, and expires the ones that ended. Exempt addresses are never counted. At
 * most {@code limits.blocking.maxSources} sources are counted at once: past that the one that failed least recently
 * is forgotten, so failures sprayed from many addresses cost bounded memory.
 */
public final class SourceBlocks implements SourceGuard {

    private static final Logger LOG = LoggerFactory.getLogger(SourceBlocks.class);

    private final BlockStore store;
    private final ServerConfig.Blocking settings;
    private final AddressRanges exempt;
    private final Executor blocking;
    private final Clock clock;
    /**
     * The failure times of each counted source, least recently failed first; at most {@code maxSources} of them (the
     * least recent is forgotten past that), guarded by itself: a few map operations per failure.
     */
    private final LinkedHashMap<String, Deque<Long>> failures;
    /** Blocked sources as last read from the database, plus those blocked since: what accept checks. */
    private volatile Set<String> blocked = Set.of();
    /** Blocks decided here and not yet written, so a poll in between does not drop them. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public SourceBlocks(BlockStore store, ServerConfig.Blocking settings, Executor blocking, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.settings = requireNonNull(settings, "settings");
        this.exempt = settings.exemptRanges();
        this.blocking = requireNonNull(blocking, "blocking");
        this.clock = requireNonNull(clock, "clock");
        int maxSources = settings.maxSources();
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
                return size() > maxSources;
            }
        };
    }

    @Override
    public boolean isBlocked(InetAddress source) {
        return blocked.contains(source.getHostAddress());
    }

    @Override
    public void failed(InetAddress source, SourceFailure failure) {
        if (settings.failures() == 0 || exempt.contains(source)) {
            return;
        }
        String address = source.getHostAddress();
        long now = clock.millis();
        long windowStart = now - settings.window().toMillis();
        int count;
        synchronized (failures) {
            Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
            while (!times.isEmpty() && times.peekFirst() <= windowStart) {
                times.pollFirst();
            }
            times.addLast(now);
            count = times.size();
            if (count < settings.failures()) {
                return;
            }
            failures.remove(address);
        }
        block(address, failure, count, Instant.ofEpochMilli(now));
    }

    private void block(String address, SourceFailure failure, int count, Instant now) {
        pending.add(address);
        Set<String> next = new HashSet<>(blocked);
        next.add(address);
        blocked = Set.copyOf(next);
        SourceBlock block = new SourceBlock(address, failure.label(), count, now, now.plus(settings.duration()));
        LOG.warn(
                "blocking {} until {} after {} failures ({}) within {}",
                address,
                block.until(),
                count,
                failure.label(),
                settings.window());
        try {
            blocking.execute(() -> {
                try {
                    store.block(block);
                } catch (RuntimeException e) {
                    LOG.error(
                            "cannot record the block of {}: it holds until the next restart only: {}",
                            address,
                            e.getMessage(),
                            e);
                } finally {
                    pending.remove(address);
                }
            });
        } catch (RejectedExecutionException e) {
            pending.remove(address);
            LOG.error("cannot record the block of {}: the server is stopping or busy", address);
        }
    }

    /** How many sources have failures counted now. */
    int countedSources() {
        synchronized (failures) {
            return failures.size();
        }
    }

    /** One look at the database: expires ended blocks and takes the blocks in force (run from one thread). */
    public void poll() {
        store.expire();
        Set<String> current = new HashSet<>();
        store.active().forEach(block -> current.add(block.source()));
        current.addAll(pending);
        blocked = Set.copyOf(current);
        long windowStart = clock.millis() - settings.window().toMillis();
        synchronized (failures) {
            failures.values().removeIf(times -> times.isEmpty() || times.peekLast() <= windowStart);
        }
    }
}
