package dev.secureconnect.tunnel.link;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * HTTP/2 request headers written as text, one {@code name: value} per line, pseudo-headers too
 * ({@code :method: CONNECT}); a line without {@code ": "} after its first character is skipped. The seed format of
 * the fuzz tests that read request headers, so that a seed file reads like the request it is.
 */
public final class HeaderLines {

    private HeaderLines() {}

    /** The headers {@code text} lists, unvalidated, as a peer's codec may deliver them. */
    public static Http2Headers parse(String text) {
        Http2Headers headers = new DefaultHttp2Headers(false);
        for (String line : text.split("\n", -1)) {
            int colon = line.indexOf(": ", 1);
            if (colon > 0) {
                headers.add(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return headers;
    }
}
