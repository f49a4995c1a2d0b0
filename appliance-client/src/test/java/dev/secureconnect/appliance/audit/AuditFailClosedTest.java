package dev.secureconnect.appliance.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.internal.FileLocks;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.appliance.testing.LoopbackService;
import dev.secureconnect.appliance.testing.SessionBench;
import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.SessionCredentials;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance fails closed: while its audit log cannot be written no session starts (503 {@code audit log
 * unavailable}, no command run, no stream relayed), and the records that follow are written once it can be again.
 */
class AuditFailClosedTest {

    @TempDir
    Path work;

    private SessionBench bench;
    private LoopbackService echo;

    @BeforeEach
    void setUp() throws Exception {
        bench = SessionBench.start(work);
        echo = LoopbackService.echo();
        bench.appliance.ok("services add", "--name", "echo", "--port", Integer.toString(echo.port()));
        bench.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        bench.close();
        echo.close();
    }

    @Test
    void noSessionStartsWhileTheAuditLogCannotBeWrittenAndItsRecordsFollowOnceItCan() throws Exception {
        Path marker = work.resolve("the-command-ran");
        bench.appliance.ok("commands add", "--name", "mark", "--", "touch", marker.toString());
        Path log = bench.appliance.dir.resolve("audit.log");
        Path aside = work.resolve("audit.log.aside");
        int before = bench.appliance.audit(EventType.STREAM_OPENED).size();

        // the fault: the log's path is a folder, so nothing can be appended (root ignores file modes)
        Files.move(log, aside);
        Files.createDirectory(log);

        TestServer.Response exec = exec("mark");
        assertThat(exec.status()).isEqualTo(503);
        assertThat(exec.reason()).isEqualTo("audit log unavailable");
        assertThat(marker).as("the command ran without its record").doesNotExist();

        Future<Http2StreamChannel> connect = TestServer.connect(
                bench.link, StreamRequest.loopback(echo.port(), "s-c", SessionBench.TICKET), credentials("s-c"));
        assertThat(connect.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.isSuccess()).isFalse();
        assertThat(connect.cause()).isInstanceOf(LinkException.class).hasMessage("audit log unavailable");
        assertThat(bench.link.channel().isActive()).as("the link stays up").isTrue();

        // the log comes back: the refusals, retried meanwhile, are written in order, and sessions start again
        Files.delete(log);
        Files.move(aside, log);
        List<ApplianceAuditRecord> refused = Eventually.await(
                "the refusals written once the log is back",
                () -> bench.appliance.audit(EventType.STREAM_REFUSED),
                r -> r.stream()
                                .filter(record -> "audit log unavailable".equals(record.reason()))
                                .count()
                        == 2);
        assertThat(refused)
                .filteredOn(r -> "audit log unavailable".equals(r.reason()))
                .allSatisfy(r -> assertThat(r.details()).containsEntry("status", 503));
        assertThat(bench.appliance.audit(EventType.STREAM_OPENED)).hasSize(before);
        assertThat(exec("mark").status()).isEqualTo(200);
        assertThat(marker).exists();
        assertThat(ApplianceCli.ok("audit", "verify", "--dir", bench.appliance.dir.toString())
                        .out())
                .contains("is intact");
    }

    @Test
    void aConnectDialsNoServiceBeforeItsRecordIsDurable() throws Exception {
        Path log = bench.appliance.dir.resolve("audit.log");
        Path aside = work.resolve("audit.log.aside");
        Files.move(log, aside);
        Files.createDirectory(log); // nothing can be appended

        Future<Http2StreamChannel> connect = TestServer.connect(
                bench.link, StreamRequest.loopback(echo.port(), "s-d", SessionBench.TICKET), credentials("s-d"));
        assertThat(connect.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.cause()).isInstanceOf(LinkException.class).hasMessage("audit log unavailable");
        assertThat(echo.accepted())
                .as("connections to the service of a session whose record could not be written")
                .isZero();

        Files.delete(log);
        Files.move(aside, log);
        Http2StreamChannel opened = TestServer.connect(
                        bench.link, StreamRequest.loopback(echo.port(), "s-e", SessionBench.TICKET), credentials("s-e"))
                .get(20, TimeUnit.SECONDS);
        Eventually.await("the service dialled once the record is durable", echo::accepted, n -> n == 1);
        opened.close();
    }

    @Test
    void theLinkAndItsRelaysGoOnWhileTheAuditLogIsHeld() throws Exception {
        String echoSession = "s-before";
        Http2StreamChannel open = TestServer.connect(
                        bench.link,
                        StreamRequest.loopback(echo.port(), echoSession, SessionBench.TICKET),
                        credentials(echoSession))
                .get(10, TimeUnit.SECONDS);
        Path lock = bench.appliance.dir.resolve(".audit.lock");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // someone holds the audit log's lock (as 'sc-appliance audit' reading a long log used to, for the whole read)
        Thread holder = new Thread(
                () -> FileLocks.locked(lock, () -> {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }),
                "audit-lock-holder");
        holder.start();
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            // a new session's stream.opened waits for the lock, on the audit writer, not on the link's loop
            Future<Http2StreamChannel> waiting = TestServer.connect(
                    bench.link,
                    StreamRequest.loopback(echo.port(), "s-waiting", SessionBench.TICKET),
                    credentials("s-waiting"));
            byte[] payload = "still relayed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(TestServer.exchange(open, payload).get(5, TimeUnit.SECONDS))
                    .as("the open relay")
                    .isEqualTo(payload);
            assertThat(CompletableFuture.supplyAsync(bench.appliance::status)
                            .get(5, TimeUnit.SECONDS)
                            .enabled())
                    .as("the daemon answers its admin")
                    .isTrue();
            assertThat(waiting.isDone()).as("no session before its record").isFalse();
            release.countDown();
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(waiting.isSuccess())
                    .as("the session opens once its record is written")
                    .isTrue();
            waiting.getNow().close();
        } finally {
            release.countDown();
            holder.join(10_000);
        }
    }

    private TestServer.Response exec(String command) throws Exception {
        return TestServer.request(
                        bench.link, Engineers.exec(command, List.of(), credentials("s-" + command)), new byte[0])
                .get(20, TimeUnit.SECONDS);
    }

    private SessionCredentials credentials(String session) {
        SessionCredentials credentials =
                bench.engineers.credentials(bench.engineers.alice, SessionBench.SERIAL, SessionBench.TICKET);
        return new SessionCredentials(
                session,
                credentials.ticket(),
                credentials.token(),
                credentials.engineer(),
                credentials.engineerCertificate());
    }
}
