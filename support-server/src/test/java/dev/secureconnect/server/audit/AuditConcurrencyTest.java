package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/** Two pools (as the daemon and a CLI command in another process have) appending at once never fork the chain. */
class AuditConcurrencyTest {

    private static final int POOLS = 2;
    private static final int THREADS_PER_POOL = 3;
    private static final int APPENDS_PER_THREAD = 20;

    @StorageTest
    void concurrentAppendsThroughTwoPoolsFormOneUnbrokenChain(TestDatabase test) throws Exception {
        List<ServerAuditLog> logs = new ArrayList<>();
        for (int pool = 0; pool < POOLS; pool++) {
            Database database = pool == 0 ? test.database() : test.open();
            logs.add(new ServerAuditLog(database, Clock.systemUTC()));
        }
        int threads = POOLS * THREADS_PER_POOL;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                ServerAuditLog log = logs.get(t % POOLS);
                String actor = "writer-" + t;
                Callable<List<Long>> writer = () -> {
                    start.await();
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                        seqs.add(log.append(ServerAuditEvent.builder(EventType.STREAM_OPENED)
                                        .actor(actor)
                                        .detail("i", i)
                                        .build())
                                .seq());
                    }
                    return seqs;
                };
                results.add(executor.submit(writer));
            }
            start.countDown();
            Set<Long> seen = new HashSet<>();
            for (Future<List<Long>> result : results) {
                for (long seq : result.get(120, TimeUnit.SECONDS)) {
                    assertThat(seen.add(seq)).as("seq %d handed out twice", seq).isTrue();
                }
            }
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        int total = threads * APPENDS_PER_THREAD;
        ServerAuditLog reader = logs.get(0);
        assertThat(reader.list(0, total + 1))
                .extracting(ServerAuditRecord::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, total).boxed().toList());
        AuditVerification verification = reader.verify();
        assertThat(verification.ok()).as(verification.message()).isTrue();
        assertThat(verification.checked()).isEqualTo(total);
    }
}
