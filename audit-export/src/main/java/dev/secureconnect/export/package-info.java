/**
 * Audit events leaving the server: {@link dev.secureconnect.export.Destination}s that carry
 * {@link dev.secureconnect.export.ExportedEvent}s to syslog receivers, webhooks, JSON-lines files and mail servers,
 * in the message formats of {@code format}. What every destination shares lives here: the event and its
 * {@link dev.secureconnect.export.ExportOrigin}, {@link dev.secureconnect.export.DeliveryException} with its one-line
 * reason ({@link dev.secureconnect.crypto.text.OneLine#reason}), and the TLS trust in a receiver's CA file
 * ({@link dev.secureconnect.export.ReceiverTrust}). The durable cursor and the retries live in the server; this
 * module only formats and sends.
 */
package dev.secureconnect.export;
