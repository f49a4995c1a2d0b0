/**
 * Events posted to HTTP(S) webhooks in batches of {@code {"events":[…]}} (each event as
 * {@link dev.secureconnect.export.format.JsonEventFormat} writes it), signed with HMAC-SHA256 over a timestamp and
 * the body; {@link dev.secureconnect.export.webhook.WebhookDestination} documents what a receiver checks.
 */
package dev.secureconnect.export.webhook;
