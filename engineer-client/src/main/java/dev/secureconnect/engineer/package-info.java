/**
 * {@code sc-engineer}: the support engineer's command line.
 *
 * <ul>
 *   <li>{@link dev.secureconnect.engineer.state} — the engineer's state directory ({@code ~/.secureconnect}): the
 *       login session and the access tokens, each kept owner-only;</li>
 *   <li>{@link dev.secureconnect.engineer.client} — the mutual-TLS HTTP/2 connection to the server's engineer
 *       listener: the JSON API and the session streams (forward, proxy, exec, get, put);</li>
 *   <li>{@link dev.secureconnect.engineer.cli} — the picocli commands;</li>
 *   <li>{@link dev.secureconnect.engineer.internal} — small helpers that may change at any time.</li>
 * </ul>
 */
package dev.secureconnect.engineer;
