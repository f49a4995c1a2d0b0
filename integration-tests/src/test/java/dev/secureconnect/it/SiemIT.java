package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export sinks against a real SIEM receiver, rsyslogd: every audit record arrives, over plain TCP and over TLS
 * (RFC 5425), as an RFC 5424 message carrying its seq; and none is lost while the receiver is down and the server is
 * killed with SIGKILL, because each sink delivers from its durable cursor.
 */
class SiemIT {

    /** An RFC 5424 header (PRI, version 1, timestamp, host, app, procid, msgid) and the SecureConnect element. */
    private static final Pattern RFC5424 = Pattern.compile("^<(\\d{1,3})>1 (\\S+) \\S{1,255} \\S{1,48} \\S{1,128}"
            + " \\S{1,32} \\[secureconnect@32473 seq=\"(\\d+)\"[^\\]]*\\]( .*)?$");

    private static final int EVENTS_PER_TRANSACTION = 100;

    @TempDir
    Path dir;

    private ServerProcess server;
    private Rsyslog rsyslog;
    private Socket reservation;

    @AfterEach
    void stopProcesses() throws Exception {
        if (server != null) {
            server.kill();
        }
        if (rsyslog != null) {
            rsyslog.close();
        }
        if (reservation != null) {
            reservation.close();
        }
    }

    @Test
    void rsyslogReceivesEveryEventOverTcpAndTls() throws Exception {
        assumeTrue(
                Rsyslog.tlsInstalled(),
                "rsyslogd with imtcp and the ossl stream driver is not installed"
                        + " (Debian/Ubuntu packages rsyslog and rsyslog-openssl)");
        Path receiverFiles = PkiFiles.write(
                        dir.resolve("rsyslog-files"), TestPki.shared().server())
                .dir();
        Path certificateAndChain = Files.writeString(
                receiverFiles.resolve("cert-and-chain.pem"),
                Files.readString(receiverFiles.resolve("cert.pem"))
                        + Files.readString(receiverFiles.resolve("chain.pem")));
        rsyslog = Rsyslog.start(
                dir.resolve("rsyslog"),
                Rsyslog.Input.tcp("tcp", 0),
                Rsyslog.Input.tls(
                        "tls",
                        0,
                        new Rsyslog.Tls(
                                certificateAndChain,
                                receiverFiles.resolve("key.pem"),
                                receiverFiles.resolve("ca.pem"))));
        server = new ServerProcess(dir);
        server.start();

        server.admin(
                "sinks add",
                "--name",
                "siem-tcp",
                "--type",
                "syslog",
                "--transport",
                "tcp",
                "--target",
                "127.0.0.1:" + rsyslog.port("tcp"),
                "--format",
                "rfc5424");
        server.admin(
                "sinks add",
                "--name",
                "siem-tls",
                "--type",
                "syslog",
                "--transport",
                "tls",
                "--target",
                "127.0.0.1:" + rsyslog.port("tls"),
                "--format",
                "rfc5424",
                "--ca",
                server.files.resolve("ca.pem").toString());
        for (int i = 1; i <= 3; i++) {
            server.admin("tickets open", "--title", "SIEM ticket " + i);
        }
        long head = server.lastSeq();
        long started = System.nanoTime();
        awaitEverySeq(head, Duration.ofSeconds(60), "tcp", "tls");

        for (String input : List.of("tcp", "tls")) {
            List<String> lines = rsyslog.lines(input);
            assertThat(lines).as(input).allSatisfy(SiemIT::assertRfc5424);
            assertThat(seqs(lines)).as("seqs received over " + input).containsAll(range(head));
            assertThat(lines).as(input).anySatisfy(line -> assertThat(line).contains("event=\"ticket.opened\""));
        }
        System.out.printf(
                "SiemIT tcp+tls: %d events, tcp %d lines, tls %d lines, all arrived within %.1f s%n",
                head, rsyslog.lines("tcp").size(), rsyslog.lines("tls").size(), seconds(started));
    }

    @Test
    void noEventIsLostWhenTheReceiverIsDownAndTheServerIsKilled() throws Exception {
        assumeTrue(Rsyslog.installed(), "rsyslogd with imtcp is not installed (Debian/Ubuntu package rsyslog)");
        // The receiver must come back on the port the sink names. Until then the port is held by a socket that is
        // bound but not listening: connections to it are refused, and no other process can take it meanwhile.
        reservation = new Socket();
        reservation.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = reservation.getLocalPort();

        server = new ServerProcess(dir);
        server.sinkRetryMax(Duration.ofSeconds(2));
        server.admin(
                "sinks add",
                "--name",
                "siem",
                "--type",
                "syslog",
                "--transport",
                "tcp",
                "--target",
                "127.0.0.1:" + port,
                "--format",
                "rfc5424");
        server.start();
        long started = System.nanoTime();
        append(5_000, 0);
        Eventually.within(
                Duration.ofSeconds(60), "the sink reports that it is failing", () -> "failing".equals(status("siem")));

        server.kill();
        append(5_000, 5_000);
        server.start();
        reservation.close();
        rsyslog = Rsyslog.start(dir.resolve("rsyslog"), Rsyslog.Input.tcp("tcp", port));
        long head = server.lastSeq();
        assertThat(head).isGreaterThanOrEqualTo(10_000);
        awaitEverySeq(head, Duration.ofSeconds(180), "tcp");

        List<String> lines = rsyslog.lines("tcp");
        TreeSet<Long> received = seqs(lines);
        assertThat(received).containsAll(range(head));
        assertThat(lines).allSatisfy(SiemIT::assertRfc5424);
        long duplicates = lines.size() - received.size();
        double seconds = seconds(started);
        Eventually.within(
                Duration.ofSeconds(30), "the sink reports that it delivers again", () -> "ok".equals(status("siem")));
        Launcher.Result verify = server.tryAdmin("audit verify");
        assertThat(verify.exitCode())
                .as("sc-server audit verify: " + verify.describe())
                .isZero();
        System.out.printf(
                "SiemIT kill -9: log head %d when rsyslog came back, %d distinct seqs and %d lines"
                        + " received, %d duplicates; every seq 1..%d delivered %.1f s after the first append%n",
                head, received.size(), lines.size(), duplicates, head, seconds);
    }

    /** Appends {@code count} events from this JVM, {@value #EVENTS_PER_TRANSACTION} to a transaction. */
    private void append(int count, int first) {
        try (Database database = server.openDatabase()) {
            ServerAuditLog audit = new ServerAuditLog(database, Clock.systemUTC());
            for (int done = 0; done < count; done += EVENTS_PER_TRANSACTION) {
                int from = first + done;
                int to = first + Math.min(count, done + EVENTS_PER_TRANSACTION);
                audit.inTransaction(transaction -> {
                    for (int n = from; n < to; n++) {
                        transaction.append(ServerAuditEvent.builder(EventType.TICKET_OPENED)
                                .actor("siem-it")
                                .detail("n", n)
                                .build());
                    }
                    return null;
                });
            }
        }
    }

    /** Waits until each input has received a message for every seq 1..head; fails naming what is missing. */
    private void awaitEverySeq(long head, Duration limit, String... inputs) throws InterruptedException {
        List<Long> expected = range(head);
        try {
            Eventually.within(limit, "every seq 1.." + head + " received", () -> {
                for (String input : inputs) {
                    if (!seqs(rsyslog.lines(input)).containsAll(expected)) {
                        return false;
                    }
                }
                return true;
            });
        } catch (AssertionError e) {
            List<String> missing = new ArrayList<>();
            for (String input : inputs) {
                TreeSet<Long> received = seqs(rsyslog.lines(input));
                long absent =
                        expected.stream().filter(seq -> !received.contains(seq)).count();
                missing.add(input + ": " + absent + " missing, first "
                        + expected.stream()
                                .filter(seq -> !received.contains(seq))
                                .findFirst()
                                .orElse(null));
            }
            throw new AssertionError(
                    e.getMessage() + ": " + missing + "\nrsyslogd: " + rsyslog.output() + "\nsc-server: "
                            + server.logText(),
                    e);
        }
    }

    private String status(String sink) {
        try {
            return server.sinkStatus(sink).path("status").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void assertRfc5424(String line) {
        Matcher matcher = RFC5424.matcher(line);
        assertThat(matcher.matches())
                .as("an RFC 5424 message with the secureconnect@32473 element: %s", line)
                .isTrue();
        assertThat(Integer.parseInt(matcher.group(1))).as("PRI of %s", line).isBetween(0, 191);
        assertThat(Instant.parse(matcher.group(2))).as("timestamp of %s", line).isNotNull();
    }

    private static TreeSet<Long> seqs(List<String> lines) {
        TreeSet<Long> seqs = new TreeSet<>();
        for (String line : lines) {
            Matcher matcher = RFC5424.matcher(line);
            if (matcher.matches()) {
                seqs.add(Long.parseLong(matcher.group(3)));
            }
        }
        return seqs;
    }

    private static List<Long> range(long head) {
        return LongStream.rangeClosed(1, head).boxed().toList();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
