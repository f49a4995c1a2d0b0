package dev.secureconnect.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * Access-token requests, {@code secureconnect_tokens_total{outcome, reason}}: {@code issued} (reason {@code none}), or
 * {@code refused} with the refusal's code (a fixed set: {@code ticket-not-open}, {@code appliance-not-connected}, …).
 */
public final class TokenMetrics {

    private final MeterRegistry registry;
    private final Counter issued;

    public TokenMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.issued = counter("issued", "none");
    }

    /** Counts nothing anyone reads (tests, tools). */
    public static TokenMetrics none() {
        return new TokenMetrics(new CompositeMeterRegistry());
    }

    public void issued() {
        issued.increment();
    }

    /** @param code the refusal's code, from the issuer's fixed set (never text from the request) */
    public void refused(String code) {
        counter("refused", code).increment();
    }

    private Counter counter(String outcome, String reason) {
        return Counter.builder("secureconnect.tokens")
                .description("Access-token requests, by outcome and refusal code")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry);
    }
}
