package dev.secureconnect.tunnel.callhome;

/**
 * The Call Home exchange between an appliance and the support server, which both ends share. It runs on the server's
 * appliance listener (the same port, mutual TLS, appliance certificates only) under its own ALPN id
 * {@value #ALPN}: the connection is HTTP/1.1 with the appliance as the client, one {@code POST} {@value #PATH} of the
 * gzip-compressed bundle and one answer, then closed. HTTP/1.1 has no server-initiated requests, so nothing on this
 * connection can open a stream towards the appliance: it works, and is safe, with remote access disabled (see
 * docs/callhome.md for why this and not a stream kind of the link).
 *
 * <p>Answers: {@code 201} stored; {@code 200} already stored (the same id with the same content: a resend is
 * idempotent), whose body's second line, when present, is the appliance's support cases
 * ({@code link.CaseNotice.Cases} JSON); {@code 400} malformed; {@code 403} for another appliance's serial; {@code 409} the id was stored with
 * other content (a replay); {@code 413} over the cap. The body of a refusal is one line saying why.
 */
public final class CallHomeProtocol {

    /** The ALPN id of a Call Home connection. */
    public static final String ALPN = "secureconnect-callhome/1";
    /** Where the bundle is posted. */
    public static final String PATH = "/v1/callhome/bundles";
    /** The bundle's id, also inside the bundle: the server checks they agree. */
    public static final String HEADER_BUNDLE_ID = "sc-bundle-id";
    /**
     * The appliance admin's approvals and declines of support cases the server has not confirmed yet: a JSON array of
     * {@code link.CaseNotice.Decision}, absent when there are none.
     */
    public static final String HEADER_CASE_DECISIONS = "sc-case-decisions";
    /** The default cap of a compressed bundle, on both ends. */
    public static final long DEFAULT_MAX_BUNDLE_BYTES = 8L << 20;
    /** How much larger than its compressed form a bundle's JSON may be. */
    public static final int MAX_EXPANSION = 16;

    private CallHomeProtocol() {}
}
