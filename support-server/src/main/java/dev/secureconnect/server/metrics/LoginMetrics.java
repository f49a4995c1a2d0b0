package dev.secureconnect.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Locale;

/**
 * Engineer logins (certificate + TOTP): {@code secureconnect_login_failures_total{reason}} with the refusal's reason
 * (a fixed set: {@code bad_code}, {@code replay}, {@code locked}, …) and {@code secureconnect_login_lockouts_total},
 * the failures that locked an engineer out.
 */
public final class LoginMetrics {

    private final MeterRegistry registry;
    private final Counter lockouts;

    public LoginMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lockouts = Counter.builder("secureconnect.login.lockouts")
                .description("Failed logins that locked an engineer out")
                .register(registry);
    }

    /** Counts nothing anyone reads (tests, tools). */
    public static LoginMetrics none() {
        return new LoginMetrics(new CompositeMeterRegistry());
    }

    /**
     * @param reason the refusal's reason, an enum constant's name
     * @param lockedOut whether this failure locked the engineer out
     */
    public void failed(Enum<?> reason, boolean lockedOut) {
        Counter.builder("secureconnect.login.failures")
                .description("Refused engineer logins, by reason")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
        if (lockedOut) {
            lockouts.increment();
        }
    }
}
