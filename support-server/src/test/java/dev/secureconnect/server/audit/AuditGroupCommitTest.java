package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.StorageException;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.Eventually;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: appends that arrive together share one transaction, and every guarantee of a lone append still
 * holds — each record committed before its append returns, seq order = chain order, the chain and the signed
 * checkpoints intact, listeners woken after every commit, a failed batch failing all of its appends and leaving none
 * of its records.
 */
class AuditGroupCommitTest {

    private static final int THREADS = 16;
    private static final int APPENDS_PER_THREAD = 25;
    private static final int QUEUED = 8;
    private static final long WAIT_SECONDS = 120;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @TempDir
    Path keyDir;

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @StorageTest
    void concurrentAppendsAreEachCommittedOnceInOrderWithCheckpointsAndListenersSeeEveryRecord(TestDatabase test)
            throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), Clock.systemUTC());
        AuditKey key = AuditKey.loadOrCreate(keyDir);
        Checkpoints checkpoints = new Checkpoints(test.database(), log, key, "node-1", Clock.systemUTC());
        Follower follower = new Follower(log);
        log.onAppend(follower::look);

        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ServerAuditRecord>>> appenders = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String actor = "writer-" + t;
            appenders.add(executor.submit(() -> {
                start.await();
                List<ServerAuditRecord> mine = new ArrayList<>();
                for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                    mine.add(log.append(ServerAuditEvent.builder(EventType.STREAM_OPENED)
                            .actor(actor)
                            .detail("i", i)
                            .build()));
                }
                return mine;
            }));
        }
        Future<List<Checkpoint>> signer = executor.submit(() -> {
            start.await();
            List<Checkpoint> signed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                signed.add(checkpoints.sign());
            }
            return signed;
        });
        start.countDown();

        List<ServerAuditRecord> returned = new ArrayList<>();
        for (Future<List<ServerAuditRecord>> appender : appenders) {
            List<ServerAuditRecord> mine = appender.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(mine)
                    .extracting(ServerAuditRecord::seq)
                    .as("one thread's records, in the order it appended them")
                    .isSorted();
            returned.addAll(mine);
        }
        List<Checkpoint> signed = signer.get(WAIT_SECONDS, TimeUnit.SECONDS);

        int total = THREADS * APPENDS_PER_THREAD + signed.size();
        List<ServerAuditRecord> stored = log.list(0, ServerAuditLog.MAX_LIST_LIMIT);
        assertThat(stored)
                .extracting(ServerAuditRecord::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(stored).containsAll(returned);
        Set<String> events = new HashSet<>();
        for (ServerAuditRecord record : returned) {
            assertThat(events.add(record.event().actor() + "/"
                            + record.event().details().get("i")))
                    .as("%s appended once", record)
                    .isTrue();
        }
        assertThat(stored)
                .filteredOn(r -> r.event().type() == EventType.AUDIT_CHECKPOINT)
                .extracting(ServerAuditRecord::seq)
                .containsExactlyElementsOf(signed.stream().map(Checkpoint::seq).toList());
        AuditVerification verification = log.verify(key.publicKey());
        assertThat(verification.ok()).as(verification.message()).isTrue();
        assertThat(verification.checked()).isEqualTo(total);
        assertThat(verification.message()).contains(signed.size() + " checkpoint(s)");
        assertThat(follower.seen())
                .as("records the listener found, in the order found")
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, total).boxed().toList());
    }

    @StorageTest
    void appendsQueuedBehindABusyWriterShareOneTransaction(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), Clock.systemUTC());
        AtomicInteger wakeUps = new AtomicInteger();
        log.onAppend(wakeUps::incrementAndGet);

        List<Future<ServerAuditRecord>> appends = appendBehindHeldTurn(log, QUEUED);

        List<Long> seqs = new ArrayList<>();
        for (Future<ServerAuditRecord> append : appends) {
            seqs.add(append.get(WAIT_SECONDS, TimeUnit.SECONDS).seq());
        }
        assertThat(seqs)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(2, QUEUED + 1).boxed().toList());
        assertThat(wakeUps.get())
                .as("listener calls: the held transaction's and the one batch's")
                .isEqualTo(2);
        assertThat(log.verify().ok()).isTrue();
        assertThat(log.verify().checked()).isEqualTo(QUEUED + 1);
    }

    @StorageTest
    void moreQueuedAppendsThanOneBatchTakesGoInTwoBatches(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), Clock.systemUTC());
        AtomicInteger wakeUps = new AtomicInteger();
        log.onAppend(wakeUps::incrementAndGet);
        int queued = ServerAuditLog.MAX_BATCH + QUEUED;

        List<Future<ServerAuditRecord>> appends = appendBehindHeldTurn(log, queued);

        List<Long> seqs = new ArrayList<>();
        for (Future<ServerAuditRecord> append : appends) {
            seqs.add(append.get(WAIT_SECONDS, TimeUnit.SECONDS).seq());
        }
        assertThat(seqs)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(2, queued + 1).boxed().toList());
        assertThat(wakeUps.get())
                .as("listener calls: the held transaction's and two batches'")
                .isEqualTo(3);
        AuditVerification verification = log.verify();
        assertThat(verification.ok()).as(verification.message()).isTrue();
        assertThat(verification.checked()).isEqualTo(queued + 1);
    }

    @StorageTest
    void aBatchWhoseTransactionFailsFailsEveryAppendInItAndLeavesNoneOfItsRecords(TestDatabase test) throws Exception {
        ServerAuditLog log = new ServerAuditLog(test.database(), Clock.systemUTC());
        AtomicInteger wakeUps = new AtomicInteger();
        log.onAppend(wakeUps::incrementAndGet);
        // a row in the way of the batch's third record (seq 4): its insert violates the primary key
        test.tamper("INSERT INTO audit_log (" + AuditRow.COLUMNS + ") VALUES (4, 0, " + EventType.TICKET_OPENED.id()
                + ", NULL, NULL, NULL, NULL, NULL, 'success', '{}', 'x', 'y')");
        List<Future<ServerAuditRecord>> appends = appendBehindHeldTurn(log, QUEUED);

        List<String> failures = new ArrayList<>();
        for (Future<ServerAuditRecord> append : appends) {
            try {
                append.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(StorageException.class);
                failures.add(e.getCause().getMessage());
            }
        }
        assertThat(failures)
                .as("every append of the batch failed, with the same one-line reason")
                .hasSize(QUEUED);
        assertThat(new HashSet<>(failures)).hasSize(1);
        assertThat(failures.get(0)).startsWith("database ").doesNotContain("\n");
        assertThat(log.lastSeq()).as("the held transaction's record only").isEqualTo(1);
        assertThat(log.rows(1, 3, 10))
                .as("records 2 and 3 of the batch were rolled back")
                .isEmpty();
        assertThat(log.verify().ok()).isTrue();
        assertThat(wakeUps.get())
                .as("the held transaction woke the listener, the failed batch did not")
                .isEqualTo(1);

        test.tamper("DELETE FROM audit_log WHERE seq = 4");
        List<Future<ServerAuditRecord>> again = appendBehindHeldTurn(log, QUEUED);
        for (Future<ServerAuditRecord> append : again) {
            append.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        AuditVerification verification = log.verify();
        assertThat(verification.ok()).as(verification.message()).isTrue();
        assertThat(verification.checked()).isEqualTo(QUEUED + 2);
        assertThat(log.list(0, 100))
                .extracting(ServerAuditRecord::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, QUEUED + 2).boxed().toList());
        assertThat(wakeUps.get()).isEqualTo(3);
    }

    /**
     * Holds the write turn in a transaction that appends one record, lines up {@code count} appends behind it and
     * lets the transaction commit; returns the appends.
     */
    private List<Future<ServerAuditRecord>> appendBehindHeldTurn(ServerAuditLog log, int count) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<ServerAuditRecord> holder = executor.submit(() -> log.inTransaction(transaction -> {
            ServerAuditRecord record = transaction.append(
                    ServerAuditEvent.builder(EventType.TICKET_OPENED).build());
            holding.countDown();
            try {
                if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(
                            "the held transaction was not released within " + WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while holding the turn", e);
            }
            return record;
        }));
        assertThat(holding.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        int queuedBefore = log.queuedAppends();
        List<Future<ServerAuditRecord>> appends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            appends.add(executor.submit(() -> log.append(ServerAuditEvent.builder(EventType.STREAM_OPENED)
                    .actor("queued-" + n)
                    .build())));
        }
        awaitCondition(() -> log.queuedAppends() == queuedBefore + count, "appends queued behind the turn");
        release.countDown();
        holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
        return appends;
    }

    private static void awaitCondition(BooleanSupplier condition, String what) {
        Eventually.within(Duration.ofSeconds(WAIT_SECONDS), what, condition);
    }

    /** An export sink in miniature: woken by the log, it reads every record after its cursor, once each. */
    private static final class Follower {
        private final ServerAuditLog log;
        private final List<Long> seen = new ArrayList<>();
        private long cursor;

        Follower(ServerAuditLog log) {
            this.log = log;
        }

        synchronized void look() {
            for (ServerAuditRecord record : log.list(cursor, ServerAuditLog.MAX_LIST_LIMIT)) {
                seen.add(record.seq());
                cursor = record.seq();
            }
        }

        synchronized List<Long> seen() {
            return List.copyOf(seen);
        }
    }
}
