package dev.secureconnect.server.engineerapi;

/** One endpoint of the JSON API: one concern. May throw {@link ApiException} to refuse. */
interface Endpoint {

    ApiResponse handle(ApiCall call);

    /**
     * How the router runs an endpoint.
     *
     * @param path under {@code /api/v1/}
     * @param needsSession whether a valid login session bound to the connection's certificate is required (401)
     * @param blocking whether it uses the database (then it runs on the blocking executor, never the event loop)
     * @param role the only certificate role that may call it (403 for the other, checked by the router)
     */
    record Route(
            io.netty.handler.codec.http.HttpMethod method,
            String path,
            boolean needsSession,
            boolean blocking,
            dev.secureconnect.crypto.pki.CertificateRole role,
            Endpoint endpoint) {}
}
