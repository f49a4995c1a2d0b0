package dev.secureconnect.export.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.export.TestEvents;
import dev.secureconnect.export.format.MessageFormat;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpSyslogDestinationTest {

    @Test
    void sendsOneDatagramPerMessage() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                SyslogDestination destination = new SyslogDestination(
                        SyslogSettings.of(
                                SyslogTransport.UDP, "127.0.0.1", receiver.getLocalPort(), MessageFormat.RFC5424),
                        TestEvents.ORIGIN)) {
            receiver.setSoTimeout((int) FrameReceiver.WAIT.toMillis());
            destination.deliver(List.of(TestEvents.withSeq(1), TestEvents.nasty()));

            assertThat(receive(receiver))
                    .isEqualTo(MessageFormat.RFC5424.syslogMessage(TestEvents.withSeq(1), TestEvents.ORIGIN, 13));
            assertThat(receive(receiver))
                    .isEqualTo(MessageFormat.RFC5424.syslogMessage(TestEvents.nasty(), TestEvents.ORIGIN, 13));
            assertThat(destination.describe())
                    .isEqualTo("syslog udp 127.0.0.1:" + receiver.getLocalPort() + " rfc5424");
        }
    }

    @Test
    void longMessagesAreCutAtTheLimit() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                SyslogDestination destination = new SyslogDestination(
                        SyslogSettings.of(
                                SyslogTransport.UDP, "127.0.0.1", receiver.getLocalPort(), MessageFormat.JSON),
                        TestEvents.ORIGIN)) {
            receiver.setSoTimeout((int) FrameReceiver.WAIT.toMillis());
            destination.deliver(TcpSyslogDestinationTest.bigBatch(1, 20_000));

            String received = receive(receiver);
            assertThat(received.getBytes(StandardCharsets.UTF_8)).hasSize(SyslogDestination.MAX_DATAGRAM);
            assertThat(received).contains("\"seq\":1,");
        }
    }

    @Test
    void cuttingNeverSplitsACharacter() {
        byte[] utf8 = "ab€".getBytes(StandardCharsets.UTF_8); // € is 3 octets
        assertThat(new String(UdpSender.truncate(utf8, 4), StandardCharsets.UTF_8))
                .isEqualTo("ab");
        assertThat(new String(UdpSender.truncate(utf8, 5), StandardCharsets.UTF_8))
                .isEqualTo("ab€");
    }

    private static String receive(DatagramSocket receiver) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        receiver.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
