package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.exec.CommandArguments;
import dev.secureconnect.crypto.testing.FuzzContract;
import dev.secureconnect.tunnel.link.HeaderLines;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;

/**
 * The headers of a stream the server opens on the link, read as the appliance reads them before any policy: a CONNECT
 * ({@link StreamRequest#fromHeaders}, then {@link SessionRequest#connect}), an exec or file request
 * ({@link SessionRequest#of}) with its {@code sc-args} ({@link CommandArguments#parse}), or something else (null).
 * Each yields a request whose fields are never null, or a {@link LinkException} / {@link ApplianceException} with a
 * one-line message; nothing else escapes. An input is the headers as {@link HeaderLines} reads them.
 */
class SessionRequestFuzzTest {

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) {
        Http2Headers headers = HeaderLines.parse(new String(input, StandardCharsets.UTF_8));
        if (headers.method() != null && "CONNECT".contentEquals(headers.method())) {
            try {
                SessionRequest connect = SessionRequest.connect(StreamRequest.fromHeaders(headers), headers);
                assertThat(connect.kind()).isEqualTo(SessionRequest.Kind.CONNECT);
                assertFields(connect);
            } catch (LinkException e) {
                FuzzContract.assertOneLineMessage(e);
            }
            return;
        }
        SessionRequest request = SessionRequest.of(headers);
        if (request == null) {
            return;
        }
        assertFields(request);
        try {
            assertThat(CommandArguments.parse(request.header(LinkProtocol.HEADER_ARGS)))
                    .doesNotContainNull();
        } catch (ApplianceException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }

    private static void assertFields(SessionRequest request) {
        assertThat(request.target()).isNotNull();
        assertThat(request.credentials().sessionId()).isNotNull();
        assertThat(request.credentials().ticket()).isNotNull();
        assertThat(request.credentials().token()).isNotNull();
        assertThat(request.credentials().engineerCertificate()).isNotNull();
    }
}
