package dev.secureconnect.export.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.TestEvents;
import dev.secureconnect.export.format.MessageFormat;
import dev.secureconnect.export.format.SyslogFacility;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TcpSyslogDestinationTest {

    @Test
    void sendsOctetCountedMessagesInOrder() throws Exception {
        try (FrameReceiver receiver = FrameReceiver.tcp();
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), MessageFormat.RFC5424), TestEvents.ORIGIN)) {
            destination.deliver(List.of(TestEvents.withSeq(1), TestEvents.nasty(), TestEvents.withSeq(3)));

            List<String> messages = receiver.take(3);
            assertThat(messages.get(0))
                    .isEqualTo(MessageFormat.RFC5424.syslogMessage(TestEvents.withSeq(1), TestEvents.ORIGIN, 13));
            // multi-byte characters: the frame length counts octets, or the receiver would split wrongly
            assertThat(messages.get(1))
                    .isEqualTo(MessageFormat.RFC5424.syslogMessage(TestEvents.nasty(), TestEvents.ORIGIN, 13));
            assertThat(messages.get(2)).contains("seq=\"3\"");
        }
    }

    @Test
    void cefOverSyslog() throws Exception {
        try (FrameReceiver receiver = FrameReceiver.tcp();
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), MessageFormat.CEF), TestEvents.ORIGIN)) {
            destination.deliver(List.of(TestEvents.nasty()));

            assertThat(receiver.take(1).get(0))
                    .startsWith(
                            "<108>1 2026-11-23T10:00:00.000Z sc-server-1 sc-server -"
                                    + " login.failed - CEF:0|SecureConnect|SecureConnect Server|0.1.0|1511|login.failed|5|seq=7 ");
        }
    }

    @Test
    void describesItself() {
        try (SyslogDestination destination =
                new SyslogDestination(settings(6514, MessageFormat.LEEF), TestEvents.ORIGIN)) {
            assertThat(destination.describe()).isEqualTo("syslog tcp 127.0.0.1:6514 leef");
        }
    }

    @Test
    void refusedConnectionFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (SyslogDestination destination =
                new SyslogDestination(settings(port, MessageFormat.JSON), TestEvents.ORIGIN)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> destination.deliver(List.of(TestEvents.streamOpened())))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessage("connection refused by 127.0.0.1:" + port);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void receiverThatReadsNothingFailsWithinTheWriteTimeout() throws Exception {
        try (ServerSocket blackHole = new ServerSocket()) {
            blackHole.setReceiveBufferSize(4096);
            blackHole.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AtomicReference<Socket> held = new AtomicReference<>();
            Thread acceptor = new Thread(() -> {
                try {
                    held.set(blackHole.accept()); // accepted, never read
                } catch (Exception ignored) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Duration writeTimeout = Duration.ofSeconds(1);
            SyslogSettings settings = new SyslogSettings(
                    SyslogTransport.TCP,
                    "127.0.0.1",
                    blackHole.getLocalPort(),
                    MessageFormat.JSON,
                    13,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(5),
                    writeTimeout);
            List<ExportedEvent> batch = bigBatch(500, 20_000); // ~10 MB, far beyond the socket buffers
            try (SyslogDestination destination = new SyslogDestination(settings, TestEvents.ORIGIN)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> destination.deliver(batch))
                        .isInstanceOf(DeliveryException.class)
                        .hasMessage("timed out writing to 127.0.0.1:" + blackHole.getLocalPort()
                                + ": the receiver took nothing for PT1S");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
            } finally {
                if (held.get() != null) {
                    held.get().close();
                }
            }
        }
    }

    @Test
    void reconnectsWhenTheReceiverClosedTheConnectionBetweenBatches() throws Exception {
        try (FrameReceiver receiver = FrameReceiver.tcp();
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), MessageFormat.RFC5424), TestEvents.ORIGIN)) {
            destination.deliver(List.of(TestEvents.withSeq(1), TestEvents.withSeq(2)));
            assertThat(receiver.take(2)).hasSize(2);

            receiver.dropConnections();
            destination.deliver(List.of(TestEvents.withSeq(3), TestEvents.withSeq(4)));

            assertThat(receiver.take(2)).satisfiesExactly(m -> assertThat(m).contains("seq=\"3\""), m -> assertThat(m)
                    .contains("seq=\"4\""));
            assertThat(receiver.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void keepsOneConnectionWhileTheReceiverDoes() throws Exception {
        try (FrameReceiver receiver = FrameReceiver.tcp();
                SyslogDestination destination =
                        new SyslogDestination(settings(receiver.port(), MessageFormat.LEEF), TestEvents.ORIGIN)) {
            for (long seq = 1; seq <= 3; seq++) {
                destination.deliver(List.of(TestEvents.withSeq(seq)));
            }
            assertThat(receiver.take(3)).allSatisfy(m -> assertThat(m).contains("LEEF:2.0|"));
            assertThat(receiver.connectionsAccepted()).isEqualTo(1);
        }
    }

    static SyslogSettings settings(int port, MessageFormat format) {
        return SyslogSettings.of(SyslogTransport.TCP, "127.0.0.1", port, format);
    }

    static List<ExportedEvent> bigBatch(int events, int detailSize) {
        String filler = "x".repeat(detailSize);
        List<ExportedEvent> batch = new ArrayList<>();
        LongStream.rangeClosed(1, events).forEach(seq -> {
            ExportedEvent e = TestEvents.withSeq(seq);
            batch.add(new ExportedEvent(
                    seq,
                    e.time(),
                    e.type(),
                    e.outcome(),
                    e.actor(),
                    e.applianceSerial(),
                    e.ticket(),
                    e.sessionId(),
                    e.sourceAddress(),
                    Map.of("filler", filler),
                    e.hash()));
        });
        return batch;
    }

    @Test
    void defaultFacilityIsLogAudit() {
        assertThat(settings(514, MessageFormat.CEF).facility()).isEqualTo(SyslogFacility.AUDIT.code());
    }
}
