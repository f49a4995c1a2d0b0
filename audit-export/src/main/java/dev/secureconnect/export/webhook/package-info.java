/** Events posted to HTTP(S) webhooks, signed with HMAC-SHA256; and {@link dev.secureconnect.export.webhook.EventJson}, the JSON of one event. */
package dev.secureconnect.export.webhook;
