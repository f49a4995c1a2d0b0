/**
 * The engineer's connection to the support server's engineer listener: mutual TLS with the engineer's certificate
 * (the server checked against the engineer's CA and by name), ALPN {@code h2}, one HTTP/2 connection carrying the
 * JSON API requests ({@code /api/v1/…}) and the session streams (CONNECT, exec, files), each on its own stream.
 */
package dev.secureconnect.engineer.client;
