package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.AuditHash;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ApplianceStreamHandler} serving the streams the server opens, on an embedded HTTP/2 link, for a supervisor
 * whose link is not (or no longer) the one the streams came on: each request goes where it belongs — an unknown one
 * is answered 404, a malformed admission 400, a hello or an admission 503 "this link is closing", a CONNECT without a
 * port 400, and an exec or file request leaves the handler for the session authorisation, which refuses it.
 */
class ApplianceStreamHandlerTest {

    @TempDir
    Path dir;

    private final List<ApplianceAuditEvent> audit = new CopyOnWriteArrayList<>();
    /** When a record submitted without blocking is durable: the test decides. */
    private CompletableFuture<Object> durable = CompletableFuture.completedFuture(null);

    private EmbeddedStreams streams;
    private LinkSupervisor supervisor;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve(ApplianceDirectory.CONFIG_FILE), "{}");
        LinkSupervisor[] created = new LinkSupervisor[1];
        streams = new EmbeddedStreams(stream ->
                stream.pipeline().addLast(new ApplianceStreamHandler(created[0], new LinkAttempt(created[0]))));
        ServerAddress server = new ServerAddress("support.example.com", 8443);
        supervisor = new LinkSupervisor(
                streams.http2.peer.eventLoop(),
                new LinkConnector() {
                    @Override
                    public ServerAddress server() {
                        return server;
                    }

                    @Override
                    public Channel connect(Events events, Supplier<ChannelHandler> handlers) {
                        throw new AssertionError("no link is dialled here");
                    }
                },
                new ApplianceConfig(server, null, null, null, null, null, null, null),
                "SN-TEST",
                "test",
                new AuditSink() {
                    @Override
                    public void record(ApplianceAuditEvent event) {
                        audit.add(event);
                    }

                    @Override
                    public CompletableFuture<?> submit(ApplianceAuditEvent event) {
                        audit.add(event);
                        return durable;
                    }
                },
                state -> {},
                Clock.systemUTC(),
                ApplianceDirectory.open(dir),
                TrustMaterial.withoutRevocationCheck(
                        List.of(TestPki.shared().rootCertificate()),
                        List.of(TestPki.shared().issuingCertificate())));
        created[0] = supervisor;
    }

    @AfterEach
    void tearDown() {
        streams.close();
        supervisor.close();
    }

    @Test
    void anUnknownRequestIs404() {
        request(new DefaultHttp2Headers().method("GET").path("/v1/nosuch"), null);
        assertAnswer(404, "no such request: GET /v1/nosuch");

        request(new DefaultHttp2Headers().method("DELETE").path(LinkProtocol.PATH_HELLO), null);
        assertAnswer(404, "no such request: DELETE " + LinkProtocol.PATH_HELLO);
    }

    @Test
    void aRenewedCertificateForAnApplianceThatDoesNotRenewIs404() {
        request(new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_CERTIFICATE), "{}");
        assertAnswer(404, "this appliance does not renew its certificate over the link");
    }

    @Test
    void aMalformedAdmissionIs400WithTheReason() {
        request(new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_ADMISSION), "{\"verdicts\":[");
        assertAnswer(400, "malformed Admission: {\"verdicts\":[");

        request(new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_ADMISSION), "null");
        assertAnswer(400, "malformed Admission: null (expected a JSON object)");
    }

    @Test
    void aHelloOrAnAdmissionOnALinkThatIsNotServingIs503() {
        request(new DefaultHttp2Headers().method("GET").path(LinkProtocol.PATH_HELLO), null);
        assertAnswer(503, "this link is closing");

        request(new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_ADMISSION), "{\"verdicts\":[]}");
        assertAnswer(503, "this link is closing");
    }

    @Test
    void aConnectWithoutAPortIs400() {
        request(new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1"), null);
        assertAnswer(400, "CONNECT :authority '127.0.0.1' has no port");
    }

    @Test
    void anExecRequestLeavesTheHandlerForTheSessionAuthorisation() {
        durable = new CompletableFuture<>(); // a refusal is answered once its record is durable: held here
        Http2StreamChannel stream = request(
                new DefaultHttp2Headers()
                        .method("POST")
                        .path(LinkProtocol.PATH_EXEC)
                        .set(LinkProtocol.HEADER_COMMAND, "df")
                        .set(LinkProtocol.HEADER_SESSION, "s-exec")
                        .set(LinkProtocol.HEADER_TICKET, "12345678"),
                null);

        assertThat(stream.isActive()).isTrue();
        assertThat(streams.received)
                .as("not answered before the refusal is audited")
                .isEmpty();
        assertThat(stream.pipeline().get(ApplianceStreamHandler.class)).isNull();
        assertThat(stream.config().isAutoRead())
                .as("no body read before the request is allowed")
                .isFalse();

        durable.complete(null);
        streams.pump();
        assertAnswer(403, "SecureConnect is disabled");
        assertThat(audit)
                .filteredOn(event -> event.type() == EventType.STREAM_REFUSED)
                .singleElement()
                .satisfies(event -> assertThat(event.session()).isEqualTo("s-exec"));
    }

    /**
     * {@code GET /v1/audit/hash?seq=S}, answered from the audit log on a worker: 200 with the record's hash, 404 past
     * the log's end, 500 when the line at S is not a record, 400 for a seq that is not a number of 1 or more.
     */
    @Test
    void anAuditHashRequestIsAnsweredFromTheLog() throws Exception {
        ApplianceAuditLog log = new ApplianceAuditLog(ApplianceDirectory.open(dir), Clock.systemUTC());
        List<ApplianceAuditRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(log.append(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, "admin")
                    .build()));
        }

        request(auditHash("2"), null);
        awaitAnswer();
        Http2HeadersFrame answer = (Http2HeadersFrame) streams.received.get(0);
        assertThat(answer.headers().status()).hasToString("200");
        awaitAnswerParts(2);
        Http2DataFrame body = (Http2DataFrame) streams.received.get(1);
        assertThat(LinkJson.decode(ByteBufUtil.getBytes(body.content()), AuditHash.class))
                .isEqualTo(new AuditHash(2, records.get(1).hash()));
        assertThat(body.isEndStream()).isTrue();

        request(auditHash("4"), null);
        awaitAnswer();
        assertAnswer(404, "the audit log has no record at seq 4");

        for (String bad : List.of("0", "-1", "x", "99999999999999999999")) {
            request(auditHash(bad), null);
            assertAnswer(
                    400,
                    "bad audit hash request " + LinkProtocol.PATH_AUDIT_HASH + "?seq=" + bad
                            + ": expected /v1/audit/hash?seq=N, N 1 or more");
        }

        Path file = ApplianceDirectory.open(dir).auditFile();
        List<String> lines = Files.readAllLines(file);
        Files.write(file, List.of(lines.get(0), "{not a record", lines.get(2)));
        request(auditHash("2"), null);
        awaitAnswer();
        assertThat(((Http2HeadersFrame) streams.received.get(0)).headers().status())
                .hasToString("500");
        assertThat(((Http2HeadersFrame) streams.received.get(0))
                        .headers()
                        .get(LinkProtocol.HEADER_REASON)
                        .toString())
                .startsWith("cannot read the audit log: audit log line 2 is not a valid record");
    }

    private static Http2Headers auditHash(String seq) {
        return new DefaultHttp2Headers().method("GET").path(LinkProtocol.PATH_AUDIT_HASH + "?seq=" + seq);
    }

    /** Pumps the link until the answer, read off the loop, has come back (at most 10 s). */
    private void awaitAnswer() {
        awaitAnswerParts(1);
    }

    private void awaitAnswerParts(int frames) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (streams.received.size() < frames && System.nanoTime() < deadline) {
            streams.pump();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(streams.received).as("the answer's frames").hasSizeGreaterThanOrEqualTo(frames);
    }

    @Test
    void theServersCasesAreKeptAndAMalformedListIs400() {
        request(new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_CASES), "{\"cases\":[{\"id\":1}]}");
        assertAnswer(400, "malformed Cases: {\"cases\":[{\"id\":1}]}");
        assertThat(supervisor.cases()).isEmpty();

        request(
                new DefaultHttp2Headers().method("POST").path(LinkProtocol.PATH_CASES),
                "{\"cases\":[{\"id\":\"C12345678\",\"ticket\":\"12345678\",\"title\":\"disk full\","
                        + "\"severity\":\"high\",\"scope\":{\"commands\":[\"df\"],\"seconds\":3600},"
                        + "\"openedAt\":\"2026-12-07T20:00:00Z\",\"state\":\"open\"}]}");
        streams.pump();
        assertThat(streams.received).hasSize(1);
        Http2HeadersFrame answer = (Http2HeadersFrame) streams.received.get(0);
        assertThat(answer.headers().status()).hasToString("200");
        assertThat(supervisor.cases())
                .extracting(CaseNotice::id, CaseNotice::state)
                .containsExactly(tuple("C12345678", "open"));
    }

    /** Opens a stream with {@code headers} and, when given, a body; the appliance's end of it. */
    private Http2StreamChannel request(Http2Headers headers, String body) {
        streams.received.clear();
        Http2StreamChannel stream = streams.open(headers, body == null);
        if (body != null) {
            streams.serverStream()
                    .writeAndFlush(
                            new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
            streams.pump();
        }
        return stream;
    }

    private void assertAnswer(int status, String reason) {
        assertThat(streams.received).hasSize(1);
        Http2HeadersFrame answer = (Http2HeadersFrame) streams.received.get(0);
        assertThat(answer.headers().status()).hasToString(Integer.toString(status));
        assertThat(answer.headers().get(LinkProtocol.HEADER_REASON)).hasToString(reason);
        assertThat(answer.isEndStream()).isTrue();
    }
}
