/**
 * Engineer session streams: the checks every stream passes before the server opens a stream on the appliance's link
 * ({@link dev.secureconnect.server.sessions.SessionGate}), the request kinds (CONNECT, exec, file get and put), the
 * streams active on this node ({@link dev.secureconnect.server.sessions.ActiveSessions}) and their audit events.
 */
package dev.secureconnect.server.sessions;
