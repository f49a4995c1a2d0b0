package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The engineer client's end of the TLS handshake, on an {@link EmbeddedChannel} behind a TLS handler: a server that
 * agreed on no HTTP/2, one that does not speak TLS, and one that closed after refusing the client's certificate each
 * fail the connection with one line saying so, and close it.
 */
class ServerConnectionNegotiationTest {

    private static final ServerAddress SERVER = new ServerAddress("support.test", 8443);

    private final Promise<Channel> ready = ImmediateEventExecutor.INSTANCE.newPromise();
    private final AtomicReference<String> refused = new AtomicReference<>();

    private EmbeddedChannel connection() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("support.test", 8443);
        engine.setUseClientMode(true);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("tls", new SslHandler(engine, true)); // startTls: nothing sent until asked
        channel.pipeline().addLast("alpn", new ServerConnection.Negotiation(SERVER, ready, refused));
        return channel;
    }

    @Test
    void aServerThatAgreedOnNoHttp2IsRefusedOnOneLine() throws Exception {
        EmbeddedChannel channel = connection();

        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS); // no ALPN agreed

        assertThat(ready.isSuccess()).isFalse();
        assertThat(ready.cause().getMessage())
                .isEqualTo("the server at " + SERVER + " does not speak HTTP/2 (it agreed on TLS application"
                        + " protocol (none)): is this its engineer listener?");
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void aServerThatDoesNotSpeakTlsIsNamed() throws Exception {
        EmbeddedChannel channel = connection();
        ByteBuf notTls = Unpooled.copiedBuffer("HTTP/1.1 400 Bad Request\r\n\r\n", StandardCharsets.US_ASCII);

        channel.writeInbound(notTls);

        assertThat(ready.cause().getMessage()).isEqualTo("the server at " + SERVER + " does not speak TLS");
        assertThat(notTls.refCnt()).isZero();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void aCloseAfterTheServerRefusedOurCertificateSaysWhy() throws Exception {
        EmbeddedChannel channel = connection();
        refused.set("the server refused this engineer's certificate (revoked)");

        channel.close();

        assertThat(ready.cause().getMessage()).isEqualTo("the server refused this engineer's certificate (revoked)");
    }
}
