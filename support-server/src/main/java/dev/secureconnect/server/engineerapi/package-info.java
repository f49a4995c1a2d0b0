/**
 * The engineer listener: mutual TLS with engineer and API-client certificates only, HTTP/2 or HTTP/1.1; the JSON API
 * under {@code /api/v1/} (for engineers: login with the certificate and a TOTP code, logout, the connected appliances,
 * access tokens, the engineer's sessions; for API clients: the audit events), one small endpoint class each behind
 * the {@code ApiRouter}, which also decides what each role may call; and, on HTTP/2 only, engineers' session streams
 * handed to the {@code sessions.SessionGate}. Reference: docs/engineer-api.md.
 */
package dev.secureconnect.server.engineerapi;
