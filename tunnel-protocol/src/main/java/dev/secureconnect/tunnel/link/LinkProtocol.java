package dev.secureconnect.tunnel.link;

/**
 * The names of the link protocol: HTTP/2 over mutual TLS with ALPN {@value #ALPN}, the support server as HTTP/2
 * client and the appliance as HTTP/2 server.
 *
 * <ul>
 *   <li>{@code GET /v1/hello} — the server asks right after the handshake; the appliance answers 200 and keeps the
 *       response open, sending its {@link Hello} as one JSON line now and again whenever its tickets or services
 *       change.</li>
 *   <li>{@code POST /v1/admission} — the server's verdict on each ticket of the last hello ({@link Admission}).</li>
 *   <li>{@code CONNECT 127.0.0.1:PORT} — a session stream ({@link StreamRequest}); 200 means the appliance is
 *       connected to its local service and relays bytes; 403 (refused) or 502 (service down) carry
 *       {@value #HEADER_REASON}.</li>
 * </ul>
 */
public final class LinkProtocol {

    /** The ALPN protocol id both ends must negotiate. */
    public static final String ALPN = "secureconnect/1";
    /** The protocol version an appliance reports in its hello. */
    public static final int VERSION = 1;

    public static final String PATH_HELLO = "/v1/hello";
    public static final String PATH_ADMISSION = "/v1/admission";

    public static final String HEADER_SESSION = "sc-session";
    public static final String HEADER_TICKET = "sc-ticket";
    public static final String HEADER_REASON = "sc-reason";

    /** The largest hello, admission or other control message, in bytes. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private LinkProtocol() {}
}
