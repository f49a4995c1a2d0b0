package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import io.netty.handler.codec.http2.Http2Headers;
import org.jspecify.annotations.Nullable;

/** Opening a session stream and reading its answer's headers and trailers. */
final class SessionStreams {

    private SessionStreams() {}

    /**
     * Opens the stream and waits for the server's 200.
     *
     * @throws EngineerException "refused (STATUS): REASON" when the server or the appliance refused, or why the stream
     *     could not be opened
     */
    static StreamOpener.Opened open(LoggedIn loggedIn, Http2Headers request) {
        try {
            return loggedIn.connection().openAndWait(request);
        } catch (StreamRefusedException e) {
            throw new EngineerException(refusal(e), e);
        }
    }

    static String refusal(StreamRefusedException e) {
        return "refused (" + e.status() + "): " + OneLine.of(e.getMessage());
    }

    /** A header's value, or null. */
    static @Nullable String header(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }

    /** The {@value LinkProtocol#HEADER_REASON} of trailers, or null. */
    static @Nullable String reason(Http2Headers trailers) {
        String reason = header(trailers, LinkProtocol.HEADER_REASON);
        return reason == null || reason.isBlank() ? null : OneLine.of(reason);
    }
}
