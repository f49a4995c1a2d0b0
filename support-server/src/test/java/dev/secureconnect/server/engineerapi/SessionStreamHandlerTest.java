package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One session stream of the engineer listener, on an {@link EmbeddedChannel}, handled by the real session gate of a
 * running server: each refusal before the relay — no certificate, an API client's certificate, a request without its
 * appliance, one that ends at once, no login session, no access token, a token the gate refuses — is one HEADERS frame
 * with END_STREAM, its status and a one-line {@code sc-reason}, then the stream closes; the refusals the gate decides
 * are audited (a refused token before the answer); DATA read before the relay is released.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionStreamHandlerTest {

    @TempDir
    static Path temp;

    private RunningServer server;
    private EmbeddedEngineerApi engineers;
    private String aliceSession;

    @BeforeAll
    void start() throws Exception {
        server = new RunningServer(temp);
        engineers = new EmbeddedEngineerApi(server);
        aliceSession = engineers.login("alice", server.alice);
    }

    @AfterAll
    void stop() {
        engineers.close();
        server.close();
    }

    private EmbeddedChannel stream(CertificateRole role) throws Exception {
        EmbeddedChannel stream = new EmbeddedChannel();
        stream.config().setAutoRead(false);
        if (role != null) {
            EmbeddedEngineerApi.connectedAs(stream, role, "alice", server.alice);
        }
        stream.pipeline().addLast("session", engineers.api.sessionStream());
        return stream;
    }

    private Http2Headers connect(String session, String token, String appliance) {
        Http2Headers headers = new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:22");
        return SessionStreamsTest.credentials(headers, session, token, appliance);
    }

    /** Starts {@code stream} with {@code headers}; returns the refusal it was answered, the stream closed. */
    private Http2HeadersFrame refusal(EmbeddedChannel stream, Http2Headers headers, boolean endStream) {
        ((SessionStreamHandler) stream.pipeline().get("session"))
                .start(new DefaultHttp2HeadersFrame(headers, endStream));
        RunningServer.waitFor("the answer", () -> !stream.isOpen()); // a refusal by the gate comes from its thread
        Http2HeadersFrame answer = stream.readOutbound();
        assertThat(answer).isNotNull();
        assertThat(answer.isEndStream()).isTrue();
        assertThat(answer.headers().get(LinkProtocol.HEADER_REASON).toString()).doesNotContainPattern("\\R");
        assertThat((Object) stream.readOutbound()).isNull();
        return answer;
    }

    private static String status(Http2HeadersFrame answer) {
        return answer.headers().status().toString();
    }

    private static String reason(Http2HeadersFrame answer) {
        return answer.headers().get(LinkProtocol.HEADER_REASON).toString();
    }

    @Test
    void aStreamWithoutAnEngineerCertificateIs401() throws Exception {
        Http2HeadersFrame answer = refusal(stream(null), connect(aliceSession, "t", RunningServer.SERIAL), false);
        assertThat(status(answer)).isEqualTo("401");
        assertThat(reason(answer)).isEqualTo("no engineer certificate on this connection");
    }

    @Test
    void anApiClientIsRefused403WhateverItsRequestAndTheRefusalIsAudited() throws Exception {
        Http2HeadersFrame answer = refusal(stream(CertificateRole.API_CLIENT), connect(null, null, "SN-\nX"), false);
        assertThat(status(answer)).isEqualTo("403");
        assertThat(reason(answer)).isEqualTo(ApiRouter.API_CLIENT_ONLY);
        ServerAuditRecord refused = server.awaitAudit(
                EventType.STREAM_REFUSED, r -> "403".equals(r.event().details().get("status")));
        assertThat(refused.event().actor()).isEqualTo("alice");
        assertThat(refused.event().applianceSerial()).doesNotContainPattern("\\R");
    }

    @Test
    void aRequestWithoutItsApplianceOrEndingAtOnceIs400() throws Exception {
        Http2HeadersFrame noAppliance =
                refusal(stream(CertificateRole.ENGINEER), connect(aliceSession, "t", ""), false);
        assertThat(status(noAppliance)).isEqualTo("400");
        assertThat(reason(noAppliance)).isEqualTo("missing sc-appliance: name the appliance's serial");

        Http2HeadersFrame ended =
                refusal(stream(CertificateRole.ENGINEER), connect(aliceSession, "t", RunningServer.SERIAL), true);
        assertThat(status(ended)).isEqualTo("400");
        assertThat(reason(ended)).startsWith("a session request must leave the stream open");
    }

    @Test
    void noLoginSessionOrNoAccessTokenIs401() throws Exception {
        Http2HeadersFrame noSession =
                refusal(stream(CertificateRole.ENGINEER), connect(null, "t", RunningServer.SERIAL), false);
        assertThat(status(noSession)).isEqualTo("401");
        assertThat(reason(noSession)).contains("log in first");

        Http2HeadersFrame noToken =
                refusal(stream(CertificateRole.ENGINEER), connect(aliceSession, null, RunningServer.SERIAL), false);
        assertThat(status(noToken)).isEqualTo("401");
        assertThat(reason(noToken)).isEqualTo("missing sc-access-token: obtain an access token first");
    }

    @Test
    void aTokenTheGateRefusesIsAnsweredOnceItsRefusalIsAudited() throws Exception {
        EmbeddedChannel stream = stream(CertificateRole.ENGINEER);
        Http2HeadersFrame answer = refusal(stream, connect(aliceSession, "not-a-token", RunningServer.SERIAL), false);

        assertThat(status(answer)).isEqualTo("403");
        assertThat(reason(answer)).isNotBlank();
        // token.refused is written on the gate's blocking thread before the refusal is answered
        assertThat(server.audit(EventType.TOKEN_REFUSED))
                .as("audited before the answer")
                .anySatisfy(r -> {
                    assertThat(r.event().actor()).isEqualTo("alice");
                    assertThat(r.event().applianceSerial()).isEqualTo(RunningServer.SERIAL);
                });
    }

    @Test
    void dataReadBeforeTheRelayIsReleased() throws Exception {
        EmbeddedChannel stream = stream(CertificateRole.ENGINEER);
        ByteBuf early = Unpooled.copiedBuffer("early", StandardCharsets.US_ASCII);

        stream.writeInbound(new DefaultHttp2DataFrame(early, false));

        assertThat(early.refCnt()).isZero();
        assertThat((Object) stream.readInbound()).isNull();
        assertThat(stream.finish()).isFalse();
    }
}
