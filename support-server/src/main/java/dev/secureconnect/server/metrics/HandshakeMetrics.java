package dev.secureconnect.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateRejectedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One TLS listener's handshakes, {@code secureconnect_handshakes_total{listener, outcome, reason}}: {@code ok}, or
 * {@code refused} with one {@link Refusal} (a fixed set: every series exists from the start, at 0).
 */
public final class HandshakeMetrics {

    static final String NAME = "secureconnect.handshakes";

    /** Why a handshake was refused: the certificate checks' reasons, and what the listener refuses itself. */
    public enum Refusal {
        REVOKED("revoked"),
        EXPIRED("expired"),
        NOT_YET_VALID("not-yet-valid"),
        UNKNOWN_CA("unknown-ca"),
        REVOCATION_STATUS_UNKNOWN("revocation-status-unknown"),
        WRONG_ROLE("wrong-role"),
        INVALID("invalid"),
        /** The client sent no certificate. */
        NO_CERTIFICATE("no-certificate"),
        /** Any other failure: protocol, cipher suite, time-out, a peer that went away. */
        HANDSHAKE_FAILED("handshake-failed"),
        /** Closed at accept, before TLS: the source address is blocked. */
        BLOCKED("blocked"),
        /** Closed at accept, before TLS: too many unfinished handshakes from that address. */
        HALF_OPEN_CAP("half-open-cap");

        private final String label;

        Refusal(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The refusal of a certificate check's reason. */
        public static Refusal of(CertificateRejectedException.Reason reason) {
            return valueOf(reason.name());
        }
    }

    private final Counter ok;
    private final Map<Refusal, Counter> refused;

    /** @param listener the listener's name ({@code appliance}, {@code engineer}) */
    public HandshakeMetrics(MeterRegistry registry, String listener) {
        requireNonNull(listener, "listener");
        this.ok = counter(registry, listener, "ok", "none");
        this.refused = Arrays.stream(Refusal.values())
                .collect(Collectors.toUnmodifiableMap(
                        Function.identity(), refusal -> counter(registry, listener, "refused", refusal.label())));
    }

    /** Counts nothing anyone reads (tests, tools). */
    public static HandshakeMetrics none() {
        return new HandshakeMetrics(new CompositeMeterRegistry(), "none");
    }

    private static Counter counter(MeterRegistry registry, String listener, String outcome, String reason) {
        return Counter.builder(NAME)
                .description("TLS handshakes on a listener, by outcome and refusal reason")
                .tag("listener", listener)
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry);
    }

    public void completed() {
        ok.increment();
    }

    public void refused(Refusal refusal) {
        requireNonNull(refused.get(refusal), "every refusal has its counter").increment();
    }
}
