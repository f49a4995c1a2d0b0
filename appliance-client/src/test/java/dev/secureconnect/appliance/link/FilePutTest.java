package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FilePut} on the appliance's end of an embedded HTTP/2 stream, its worker run by the test between the loop's
 * steps: the engineer's DATA is stored atomically with trailers naming its size and SHA-256 (an existing file's mode
 * kept); a reset midway stores nothing and leaves no temporary file; a folder it cannot write in is a 403.
 */
class FilePutTest {

    @TempDir
    Path dir;

    private final EmbeddedStreams streams = new EmbeddedStreams();
    private final List<ApplianceAuditEvent> audit = new CopyOnWriteArrayList<>();
    private final Sessions sessions = new Sessions(audit::add, Clock.systemUTC(), Duration.ofSeconds(5), "SN-TEST");
    /** The worker: run by the test, so that every step happens on the test's thread. */
    private final Queue<Runnable> work = new ArrayDeque<>();

    @AfterEach
    void close() {
        streams.close();
    }

    @Test
    void theBodyIsStoredAtomicallyAndTheTrailersSayWhat() throws Exception {
        Path target = dir.resolve("report.txt");
        start(target);
        assertThat(status(0)).isEqualTo("200");
        assertThat(target).doesNotExist();

        send("hello ", false);
        send("world", true);
        runWork();
        streams.pump();

        assertThat(target).hasContent("hello world");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-r--r--");
        Http2HeadersFrame trailers = (Http2HeadersFrame) streams.received.get(1);
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get(LinkProtocol.HEADER_FILE_SIZE)).hasToString("11");
        assertThat(trailers.headers().get(LinkProtocol.HEADER_FILE_SHA256)).hasToString(sha256("hello world"));
        assertThat(audit)
                .extracting(ApplianceAuditEvent::type)
                .containsSubsequence(EventType.STREAM_OPENED, EventType.FILE_PUT, EventType.STREAM_CLOSED);
        assertThat(onlyTarget()).isTrue();
    }

    @Test
    void aReplacedFileKeepsItsMode() throws Exception {
        Path target = dir.resolve("secret.conf");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        start(target);

        send("new", true);
        runWork();
        streams.pump();

        assertThat(target).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-r-----");
    }

    @Test
    void aResetMidwayStoresNothingAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("half.bin");
        start(target);
        send("the first half", false);
        streams.serverStream().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        streams.pump();

        runWork();
        streams.pump();

        assertThat(target).doesNotExist();
        assertThat(onlyTarget()).isTrue();
        assertThat(audit)
                .filteredOn(event -> event.type() == EventType.FILE_REFUSED)
                .singleElement()
                .satisfies(event -> assertThat(event.reason()).startsWith("nothing was stored: "));
    }

    @Test
    void aFolderItCannotWriteInIsRefused403() throws Exception {
        Path target = dir.resolve("no-such-folder").resolve("file.txt");
        start(target);

        assertThat(status(0)).isEqualTo("403");
        assertThat(((Http2HeadersFrame) streams.received.get(0)).headers().get(LinkProtocol.HEADER_REASON))
                .asString()
                .startsWith("cannot write in ");
        assertThat(audit).extracting(ApplianceAuditEvent::type).contains(EventType.FILE_REFUSED);
        assertThat(work).isEmpty();
    }

    /** Opens a PUT of {@code target} and starts {@link FilePut} on it, up to its 200 (or refusal). */
    private Http2StreamChannel start(Path target) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("PUT")
                .path(LinkProtocol.PATH_FILES + "?path=" + URLEncoder.encode(target.toString(), StandardCharsets.UTF_8))
                .set(LinkProtocol.HEADER_SESSION, "s-put")
                .set(LinkProtocol.HEADER_TICKET, "12345678");
        Http2StreamChannel stream = streams.open(headers, false);
        SessionRequest request = SessionRequest.of(headers);
        assertThat(request).isNotNull();
        FilePut.start(sessions, stream, SessionInfo.of(request, null), target, work::add);
        runWork(); // the temporary file
        streams.pump(); // audited, 200
        return stream;
    }

    private void send(String text, boolean end) {
        streams.serverStream()
                .writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), end));
        streams.pump();
    }

    private void runWork() {
        for (Runnable task; (task = work.poll()) != null; ) {
            task.run();
        }
    }

    private String status(int index) {
        return ((Http2HeadersFrame) streams.received.get(index))
                .headers()
                .status()
                .toString();
    }

    /** Whether nothing but the target (if stored) is left in the folder: no temporary file. */
    private boolean onlyTarget() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.noneMatch(file -> file.getFileName().toString().endsWith(".sc-put"));
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
