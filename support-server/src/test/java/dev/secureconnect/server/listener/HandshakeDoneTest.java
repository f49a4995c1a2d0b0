package dev.secureconnect.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a listener's handshake, on an {@link EmbeddedChannel} behind a TLS handler: a completed handshake hands
 * the connection to the listener's protocol and leaves the pipeline; a failed one (bytes that are not TLS) is audited
 * once ({@code handshake.refused} with the listener and the reason, in the real audit log), counted against the source
 * and closes the connection; other events pass on, and an exception before the protocol is up closes the connection,
 * which fails the handshake: audited once too.
 */
class HandshakeDoneTest {

    private static final TestPki.Issued SERVER = TestPki.shared().server();

    @TempDir
    Path dir;

    private Database database;
    private ServerAuditLog audit;
    private final List<String> connected = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private MutualTlsListener listener;
    private InetAddress source;

    @BeforeEach
    void setUp() throws Exception {
        database = Database.open(DatabaseSettings.sqlite(dir));
        audit = new ServerAuditLog(database, Clock.systemUTC());
        SourceGuard guard = new SourceGuard() {
            @Override
            public boolean isBlocked(InetAddress address) {
                return false;
            }

            @Override
            public void failed(InetAddress address, SourceFailure failure) {
                failures.add(address.getHostAddress() + " " + failure);
            }
        };
        TestPki pki = TestPki.shared();
        Path crl = dir.resolve("ca.crl");
        Files.writeString(crl, Pem.crl(pki.revocationList()));
        listener = new MutualTlsListener(
                "engineer",
                new KeyMaterial(SERVER.privateKey(), SERVER.chain().subList(0, 2)),
                TrustMaterial.withCrl(List.of(pki.rootCertificate()), List.of(pki.issuingCertificate()), crl),
                java.util.Set.of(CertificateRole.ENGINEER),
                List.of("h2"),
                Duration.ofSeconds(10),
                dev.secureconnect.crypto.tls.TlsProvider.JDK,
                HalfOpenLimits.DEFAULT,
                guard,
                audit,
                Runnable::run, // the refusal's batch is written at once
                (ctx, tls, peer) -> connected.add(peer + " " + (ctx.handler() == tls)));
        source = InetAddress.getByName("192.0.2.7");
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    private EmbeddedChannel connection(List<Object> passedOn) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("tls", new SslHandler(engine));
        channel.pipeline().addLast("handshake", listener.new HandshakeDone(source));
        channel.pipeline().addLast("after", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                passedOn.add(event);
            }
        });
        return channel;
    }

    @Test
    void aCompletedHandshakeHandsTheConnectionOnAndLeavesThePipeline() throws Exception {
        EmbeddedChannel channel = connection(new ArrayList<>());

        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

        assertThat(connected).containsExactly("embedded true");
        assertThat(channel.pipeline().get("handshake")).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(refusals()).isEmpty();
        assertThat(failures).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void aFailedHandshakeIsAuditedCountedAgainstItsSourceAndClosed() throws Exception {
        EmbeddedChannel channel = connection(new ArrayList<>());

        ByteBuf notTls = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
        channel.writeInbound(notTls); // the TLS handler fails the handshake; the exception closes the connection

        assertThat(channel.isOpen()).isFalse();
        assertThat(connected).isEmpty();
        assertThat(failures).containsExactly("192.0.2.7 " + SourceFailure.HANDSHAKE);
        List<ServerAuditRecord> refused = refusals();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).event().details())
                .containsEntry("listener", "engineer")
                .containsEntry("reason", "handshake-failed")
                .hasEntrySatisfying("message", message -> assertThat(message).startsWith("not an SSL/TLS record"));
        assertThat(notTls.refCnt()).isZero();
        assertThat(refused.get(0).event().sourceAddress()).isEqualTo("embedded");
    }

    @Test
    void otherEventsPassOnAndAnExceptionBeforeTheProtocolClosesTheConnectionAndFailsTheHandshake() throws Exception {
        List<Object> passedOn = new ArrayList<>();
        EmbeddedChannel channel = connection(passedOn);

        channel.pipeline().fireUserEventTriggered("not a handshake");
        assertThat(passedOn).containsExactly("not a handshake");
        assertThat(channel.isOpen()).isTrue();

        channel.pipeline().fireExceptionCaught(new IllegalStateException("broken before the protocol"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(connected).isEmpty();
        assertThat(failures).containsExactly("192.0.2.7 " + SourceFailure.HANDSHAKE);
        assertThat(refusals()) // the handshake's own end, failed by the close, is audited once
                .singleElement()
                .satisfies(r -> assertThat(r.event().details()).containsEntry("reason", "handshake-failed"));
    }

    private List<ServerAuditRecord> refusals() {
        return audit.list(0, 100).stream()
                .filter(r -> r.event().type() == EventType.HANDSHAKE_REFUSED)
                .toList();
    }
}
