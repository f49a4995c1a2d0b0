/**
 * The server's Prometheus metrics (docs/metrics.md): one registry per daemon ({@link
 * dev.secureconnect.server.metrics.ServerMetrics}), one small class per concern handed to the component whose events it
 * counts, and the plain-HTTP listener that serves {@code GET /metrics} ({@link
 * dev.secureconnect.server.metrics.MetricsListener}). No label ever names an appliance, an engineer, a token or a ticket.
 */
package dev.secureconnect.server.metrics;
