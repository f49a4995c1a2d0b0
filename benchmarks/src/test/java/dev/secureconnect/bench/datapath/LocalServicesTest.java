package dev.secureconnect.bench.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.bench.BenchException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The local services and the traffic drivers against each other over plain sockets on 127.0.0.1, no tunnel between. */
class LocalServicesTest {

    private LocalServices services;

    @BeforeEach
    void start() throws IOException {
        services = LocalServices.start();
    }

    @AfterEach
    void stop() {
        services.close();
    }

    @Test
    void theSinkAnswersTheSha256OfWhatItRead() throws Exception {
        byte[] data = "the bytes an engineer sends".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), services.sinkPort())) {
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeLong(data.length);
            out.write(data);
            out.flush();

            byte[] answer = socket.getInputStream().readNBytes(32);

            assertThat(answer).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(socket.getInputStream().read())
                    .as("the sink ends its direction after the answer")
                    .isEqualTo(-1);
        }
        assertThat(services.sinkBytes()).isEqualTo(data.length);
        assertThat(services.firstProblem()).isNull();
    }

    @Test
    void payloadsSplitAndArriveIntactOverParallelConnections() {
        List<Payload> payloads = Payload.split(3 * Payload.CHUNK + 5, 4);
        assertThat(payloads)
                .extracting(Payload::size)
                .containsExactly(
                        (long) (3 * Payload.CHUNK + 5) / 4 + 1,
                        (long) (3 * Payload.CHUNK + 5) / 4,
                        (long) (3 * Payload.CHUNK + 5) / 4,
                        (long) (3 * Payload.CHUNK + 5) / 4);

        Traffic.Moved moved = Traffic.transfer(
                sink(), Traffic.Expected.of(payloads), Duration.ofSeconds(60), services::sinkBytes, false);

        assertThat(moved.complete()).isTrue();
        assertThat(moved.bytes()).isEqualTo(3 * Payload.CHUNK + 5);
        assertThat(moved.nanos()).isPositive();
    }

    @Test
    void theSourceSendsThePayloadAskedFor() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), services.sourcePort())) {
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(3);
            out.writeLong(100_000);
            out.flush();

            byte[] data = socket.getInputStream().readNBytes(100_001);

            assertThat(data).hasSize(100_000);
            assertThat(MessageDigest.getInstance("SHA-256").digest(data)).isEqualTo(new Payload(3, 100_000).sha256());
        }
        assertThat(services.firstProblem()).isNull();
    }

    @Test
    void payloadsDownloadIntactOverParallelConnections() {
        List<Payload> payloads = Payload.split(3 * Payload.CHUNK + 5, 4);

        Traffic.Moved moved = Traffic.fetch(source(), Traffic.Expected.of(payloads), Duration.ofSeconds(60), false);

        assertThat(moved.complete()).isTrue();
        assertThat(moved.bytes()).isEqualTo(3 * Payload.CHUNK + 5);
        assertThat(services.firstProblem()).isNull();
    }

    @Test
    void streamsCarryDifferentBytes() {
        assertThat(new Payload(0, 100_000).sha256()).isNotEqualTo(new Payload(1, 100_000).sha256());
        assertThat(new Payload(0, 100_000).sha256()).isEqualTo(new Payload(0, 100_000).sha256());
    }

    @Test
    void aWrongChecksumFailsTheTransfer() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (ServerSocket liar = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            thread.execute(() -> {
                try (Socket socket = liar.accept()) {
                    InputStream in = socket.getInputStream();
                    in.readNBytes(8 + 1000);
                    socket.getOutputStream().write(new byte[32]);
                    in.read();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThatThrownBy(() -> Traffic.transfer(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), liar.getLocalPort()),
                            Traffic.Expected.of(List.of(new Payload(0, 1000))),
                            Duration.ofSeconds(60),
                            () -> 0,
                            false))
                    .isInstanceOf(BenchException.class)
                    .hasMessageContaining("did not arrive intact");
        } finally {
            thread.shutdownNow();
            assertThat(thread.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theEchoAnswersEveryByteOfAPingPong() {
        long[] rounds = Traffic.pingPong(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), services.echoPort()),
                10,
                200,
                Duration.ofSeconds(60));

        assertThat(rounds).hasSize(200);
        assertThat(Arrays.stream(rounds).min().orElseThrow()).isPositive();
    }

    @Test
    void theBannerComesAsSoonAsAConnectionIsAccepted() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), services.bannerPort())) {
            socket.setSoTimeout(30_000);
            byte[] line = socket.getInputStream().readNBytes(LocalServices.BANNER.length() + 2);

            assertThat(new String(line, StandardCharsets.US_ASCII)).isEqualTo(LocalServices.BANNER + "\r\n");
        }
    }

    @Test
    void firstByteReadsTheBannerFromAClientProcess() throws IOException {
        Path errors = Files.createTempFile("first-byte", ".err");
        try {
            long nanos = Traffic.firstByte(
                    List.of("sh", "-c", "printf '" + LocalServices.BANNER + "\\r\\n'; sleep 30"),
                    Map.of(),
                    errors.getParent(),
                    errors,
                    Duration.ofSeconds(30));

            assertThat(nanos).isPositive();
        } finally {
            Files.delete(errors);
        }
    }

    @Test
    void aCheckOfTheSinkIsAnEmptyTransfer() {
        Traffic.checkSink(sink());
        Traffic.checkSource(source());
        Traffic.checkEcho(new InetSocketAddress(InetAddress.getLoopbackAddress(), services.echoPort()));
        assertThat(services.firstProblem()).isNull();
    }

    private InetSocketAddress source() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), services.sourcePort());
    }

    private InetSocketAddress sink() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), services.sinkPort());
    }
}
