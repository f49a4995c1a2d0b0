/**
 * The daemon's admin socket: a Unix domain socket at {@code DIR/run/admin.sock} (folder mode 0700, socket mode 0600:
 * only the appliance's owner reaches it). One JSON request line, one JSON response line, then the connection closes:
 *
 * <pre>{@code
 * -> {"command":"connect","ticket":"12345678"}
 * <- {"ok":true,"message":"ticket 12345678 connected; ...","status":{...}}
 * -> {"command":"nonsense"}
 * <- {"ok":false,"error":"unknown command 'nonsense' (expected one of: ...)"}
 * }</pre>
 *
 * Commands: {@code status}, {@code enable}, {@code disable}, {@code connect} (ticket, optional wait), {@code disconnect}
 * (ticket or all), {@code reload} (re-read {@code appliance.json} after a services change), {@code sessions} (the open
 * sessions) and {@code close-session} (one session by its id). The web console ({@code appliance.console}) calls the
 * same handler. The daemon records the
 * requesting user (the socket's peer credentials) as the actor in its audit log.
 */
package dev.secureconnect.appliance.admin;
