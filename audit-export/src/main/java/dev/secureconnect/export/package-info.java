/**
 * Audit events leaving the server: {@link dev.secureconnect.export.Destination}s that carry
 * {@link dev.secureconnect.export.ExportedEvent}s to syslog receivers, webhooks, files, and the message formats
 * they are written in. The durable cursor and the retries live in the server; this module only formats and sends.
 */
package dev.secureconnect.export;
