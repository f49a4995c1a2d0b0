/**
 * The engineer listener: mutual TLS with engineer certificates only, HTTP/2 or HTTP/1.1; the JSON API under
 * {@code /api/v1/} (login with the certificate and a TOTP code, logout, the connected appliances, access tokens, the
 * engineer's sessions), one small endpoint class each behind the {@code ApiRouter}; and, on HTTP/2 only, session
 * streams handed to the {@code sessions.SessionGate}. Reference: docs/engineer-api.md.
 */
package dev.secureconnect.server.engineerapi;
