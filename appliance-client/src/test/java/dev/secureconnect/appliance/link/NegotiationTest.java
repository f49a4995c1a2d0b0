package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.testing.PkiFiles;
import dev.secureconnect.tunnel.link.LinkSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's end of the link's TLS handshake, on an {@link EmbeddedChannel} behind a TLS handler: a server that
 * agreed on another application protocol, one that does not speak TLS, and one that refused the handshake with an
 * alert are each reported as one problem in words, and the connection closed; nothing of the link is installed.
 */
class NegotiationTest {

    private static final ServerAddress SERVER = new ServerAddress("support.test", 8443);

    @TempDir
    Path work;

    private final List<String> problems = new ArrayList<>();
    private final List<Channel> up = new ArrayList<>();
    private final LinkConnector.Events events = new LinkConnector.Events() {
        @Override
        public void up(Channel link, String serverIdentity) {
            up.add(link);
        }

        @Override
        public void problem(String reason) {
            problems.add(reason);
        }

        @Override
        public void serverRefused(String reason) {
            problems.add(reason);
        }

        @Override
        public void serverBusy(String reason) {
            problems.add(reason);
        }
    };

    private EventLoop loop;
    private TlsLinkConnector connector;

    @BeforeEach
    void setUp() {
        loop = new DefaultEventLoop();
        PkiFiles files = PkiFiles.appliance(work.resolve("appliance"), "SN-NEGOTIATE-1");
        Enrolment.Material material =
                Enrolment.check(files.cert(), files.key(), files.chain(), files.ca(), Clock.systemUTC());
        connector = new TlsLinkConnector(
                loop, material, SERVER, ApplianceConfig.Timeouts.DEFAULT, LinkSettings.DEFAULT, TlsProvider.JDK);
    }

    @AfterEach
    void tearDown() {
        loop.shutdownGracefully();
    }

    private EmbeddedChannel connection() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(SERVER.host(), SERVER.port());
        engine.setUseClientMode(true);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("tls", new SslHandler(engine, true)); // startTls: nothing sent until asked
        channel.pipeline().addLast("alpn", connector.new Negotiation(events, () -> new ChannelInboundHandlerAdapter()));
        return channel;
    }

    @Test
    void aServerThatAgreedOnAnotherProtocolIsNamedAndTheConnectionClosed() throws Exception {
        EmbeddedChannel channel = connection();

        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS); // no ALPN agreed

        assertThat(problems)
                .containsExactly("the server at " + SERVER + " does not speak secureconnect/1 (it agreed on TLS"
                        + " application protocol (none))");
        assertThat(up).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.pipeline().get("alpn")).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aServerThatDoesNotSpeakTlsIsNamed() throws Exception {
        EmbeddedChannel channel = connection();
        ByteBuf notTls = Unpooled.copiedBuffer("HTTP/1.1 400 Bad Request\r\n\r\n", StandardCharsets.US_ASCII);

        channel.writeInbound(notTls);

        assertThat(problems).contains("the server at " + SERVER + " does not speak TLS");
        assertThat(notTls.refCnt()).isZero();
        assertThat(up).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void anAlertFromTheServerSaysWhatToCheck() throws Exception {
        EmbeddedChannel channel = connection();

        // the TLS handler reports a failed handshake as a DecoderException around the alert
        channel.pipeline()
                .fireExceptionCaught(
                        new DecoderException(new SSLHandshakeException("Received fatal alert: certificate_revoked")));

        assertThat(problems)
                .containsExactly("the server at " + SERVER + " refused the TLS handshake (alert certificate_revoked):"
                        + " check that this appliance's certificate is valid, not revoked, and issued by the"
                        + " server's CA");
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }
}
