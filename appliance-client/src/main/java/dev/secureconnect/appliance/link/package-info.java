/**
 * The appliance's outbound link: one mutual-TLS connection to the support server (ALPN {@code secureconnect/1}) on
 * which the appliance is the HTTP/2 server. {@link dev.secureconnect.appliance.link.LinkSupervisor} holds it while
 * SecureConnect is enabled and a ticket is connected (the admin's commands in {@code AdminActions}, the switch and
 * tickets saved off the loop by {@code StateWriter}), reconnecting with jittered exponential back-off
 * ({@link dev.secureconnect.tunnel.retry.Backoff}); every session stream is first put to a
 * {@link dev.secureconnect.appliance.link.StreamPolicy} that denies by default
 * ({@link dev.secureconnect.appliance.link.AllowListPolicy}: loopback literal, allow-listed port, admitted ticket) and
 * only then is a local service dialled and relayed ({@link dev.secureconnect.appliance.link.Sessions}). Every session
 * request (CONNECT, exec, get, put) is first checked by {@code access.SessionAuthorizer} in {@code SessionRequests};
 * commands run in {@code CommandRun}, files move in {@code FileGet} / {@code FilePut}, each on a worker thread with
 * back-pressure ({@code StreamWriter}).
 */
package dev.secureconnect.appliance.link;
