/**
 * The support server's audit log: typed events ({@link dev.secureconnect.server.audit.ServerAuditEvent}, ids from the
 * {@link dev.secureconnect.events.EventType} catalogue) appended as SHA-256 hash-chained rows of the database,
 * listed by sequence number for the CLI and the SIEM sinks, and verified by {@code sc-server audit verify}.
 */
package dev.secureconnect.server.audit;
