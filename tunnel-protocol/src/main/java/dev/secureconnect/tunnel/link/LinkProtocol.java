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
 *   <li>{@code POST /v1/exec} with {@value #HEADER_COMMAND} and {@value #HEADER_ARGS} — runs a command of the
 *       appliance's catalogue; 200, then its merged stdout/stderr as DATA, then trailers {@value #TRAILER_EXIT_STATUS}
 *       (and {@value #TRAILER_OUTPUT_TRUNCATED} / {@value #TRAILER_TIMED_OUT} when so).</li>
 *   <li>{@code GET /v1/files?path=P} — 200 with {@value #HEADER_FILE_SIZE} and {@value #HEADER_FILE_SHA256}, then
 *       the file as DATA. {@code PUT /v1/files?path=P} — 200 (ready), the file as DATA from the engineer, then
 *       trailers {@value #HEADER_FILE_SIZE} and {@value #HEADER_FILE_SHA256} of what was stored, or
 *       {@value #HEADER_REASON} when nothing was stored.</li>
 *   <li>{@code POST /v1/revocations} — the ids of revoked, unexpired access tokens ({@code {"revoked": [{"id": …,
 *       "expiresAt": …}]}}); the appliance refuses them from then on.</li>
 *   <li>{@code POST /v1/token-keys} — the chain of rotated token key sets ({@code {"chain": ["JWS", …]}}, each set signed
 *       by the key current before it), after the first admission of every link and after each rotation; the
 *       appliance installs the newest set it can reach from the set it trusts and answers 200 with
 *       {@link TokenKeysAnswer}, or 403 with {@value #HEADER_REASON} when it refuses the chain.</li>
 *   <li>{@code GET /v1/audit/hash?seq=S} — the hash of the record at seq S of the appliance's audit log, asked when
 *       a hello brings a checkpoint past the one the server holds (at seq S), to check that the log still extends
 *       it; 200 with {@link AuditHash} ({@code {"seq":S,"hash":"…"}}), 404 with {@value #HEADER_REASON} when the
 *       log has no record at S (it is shorter), 500 when it cannot be read, 400 for a bad seq.</li>
 *   <li>{@code POST /v1/cases} — the appliance's support cases ({@link CaseNotice.Cases}), after the first admission
 *       of every link and whenever one opens, is approved, declined or closed; the appliance keeps them (its admin
 *       approves or declines them) and answers 200, or 400 with {@value #HEADER_REASON} when the list is malformed.</li>
 * </ul>
 *
 * <p>Every session request (CONNECT, exec, files) carries the access token ({@code authorization: Bearer JWS}),
 * {@value #HEADER_SESSION}, {@value #HEADER_TICKET} (the token's ticket), {@value #HEADER_ENGINEER} and
 * {@value #HEADER_ENGINEER_CERTIFICATE} (the engineer's certificate, base64 DER, for the holder-of-key check); the
 * body always follows as DATA ending with END_STREAM (empty for exec and GET).
 */
public final class LinkProtocol {

    /** The ALPN protocol id both ends must negotiate. */
    public static final String ALPN = "secureconnect/1";
    /** The protocol version an appliance reports in its hello. */
    public static final int VERSION = 1;

    public static final String PATH_HELLO = "/v1/hello";
    public static final String PATH_ADMISSION = "/v1/admission";
    public static final String PATH_EXEC = "/v1/exec";
    public static final String PATH_FILES = "/v1/files";
    public static final String PATH_REVOCATIONS = "/v1/revocations";
    public static final String PATH_TOKEN_KEYS = "/v1/token-keys";
    /** The server's answer to the certificate request an appliance offered in its hello ({@link RenewedCertificate}). */
    public static final String PATH_CERTIFICATE = "/v1/certificate";

    public static final String PATH_AUDIT_HASH = "/v1/audit/hash";
    /** The query parameter of {@link #PATH_AUDIT_HASH} naming the record (a decimal seq, 1 or more). */
    public static final String QUERY_SEQ = "seq";
    /** The appliance's cases ({@link CaseNotice.Cases}), after each admission and whenever one changes. */
    public static final String PATH_CASES = "/v1/cases";
    /** The query parameter of {@link #PATH_FILES} naming the file (URL-encoded, absolute). */
    public static final String QUERY_PATH = "path";

    public static final String HEADER_SESSION = "sc-session";
    public static final String HEADER_TICKET = "sc-ticket";
    public static final String HEADER_REASON = "sc-reason";
    public static final String HEADER_ENGINEER = "sc-engineer";
    public static final String HEADER_ENGINEER_CERTIFICATE = "sc-engineer-certificate";
    public static final String HEADER_COMMAND = "sc-command";
    /** The arguments an exec adds to the catalogue's fixed argv: a JSON array of strings. */
    public static final String HEADER_ARGS = "sc-args";

    public static final String HEADER_FILE_SIZE = "sc-file-size";
    /** Lower-case hex SHA-256 of a file's bytes. */
    public static final String HEADER_FILE_SHA256 = "sc-file-sha256";

    public static final String TRAILER_EXIT_STATUS = "sc-exit-status";
    public static final String TRAILER_OUTPUT_TRUNCATED = "sc-output-truncated";
    public static final String TRAILER_TIMED_OUT = "sc-timed-out";

    /** Engineer listener (engineer → server) session requests add these to the link headers above. */
    public static final String HEADER_APPLIANCE = "sc-appliance";
    /** The access token on the engineer listener, where {@code authorization} carries the login session. */
    public static final String HEADER_ACCESS_TOKEN = "sc-access-token";

    /** The largest hello, admission or other control message, in bytes. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private LinkProtocol() {}
}
