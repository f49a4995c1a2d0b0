package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.keys;
import static dev.secureconnect.crypto.tls.TlsFixtures.publishCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.trust;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a JDK listener, which keeps to the TLS policy by itself, the two checks {@link SslContexts} puts before the TLS
 * handler take themselves out of the pipeline as soon as they are added, on an {@link EmbeddedChannel}: every byte goes
 * straight to the TLS handler, untouched, and nothing is refused.
 */
class JdkListenerChecksTest {

    @TempDir
    Path dir;

    private final List<String> refused = new ArrayList<>();

    private SslContext jdkListener() {
        TestPki pki = TestPki.shared();
        return SslContexts.server(
                keys(pki.server()),
                trust(pki, publishCrl(dir, pki.revocationList())),
                CertificateRole.APPLIANCE,
                List.of("secureconnect/1"),
                (peer, subject, reason, message) -> refused.add(reason + ": " + message),
                TlsProviders.require(TlsProvider.JDK));
    }

    @Test
    void bothChecksLeaveAtOnceAndPassEveryByte() {
        SslContext listener = jdkListener();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("tls-hello", SslContexts.clientHelloCheck(listener, (p, s, r, m) -> refused.add(m)));
        channel.pipeline()
                .addLast("tls-verify", SslContexts.certificateVerifyCheck(listener, (p, s, r, m) -> refused.add(m)));

        assertThat(channel.pipeline().names()).doesNotContain("tls-hello", "tls-verify");

        ByteBuf hello = Unpooled.copiedBuffer("\u0016\u0003\u0001 anything at all", StandardCharsets.ISO_8859_1);
        channel.writeInbound(hello.retainedDuplicate());
        ByteBuf passed = channel.readInbound();
        assertThat(passed).isEqualTo(hello);
        passed.release();
        hello.release();
        assertThat(refused).isEmpty();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
