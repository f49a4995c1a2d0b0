package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
