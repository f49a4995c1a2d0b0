package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.OpenSsl;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation an endpoint runs {@link TlsPolicy} on: the JDK's own ({@code jdk}) or BoringSSL through
 * netty-tcnative ({@code openssl}); {@code auto}, the default, picks the one measured faster
 * ({@code TlsProviderBenchmark}) that passes every TLS test. Both apply the same policy and the same trust decisions
 * (the product's own trust manager); see {@link TlsPolicy} for what BoringSSL does differently.
 *
 * <p>Configured as {@code tls.provider: auto | openssl | jdk} (server.yaml, appliance.json) or the environment
 * variable {@code SC_TLS_PROVIDER} (engineer CLI). When BoringSSL cannot be loaded on this machine, {@code auto} and
 * {@code openssl} fall back to the JDK with one log line saying why.
 */
public enum TlsProvider {
    /** The faster provider that passes every TLS test: {@link #OPENSSL} when it can be loaded, else {@link #JDK}. */
    AUTO,
    /** BoringSSL through netty-tcnative-boringssl-static. */
    OPENSSL,
    /** The JDK's SunJSSE. */
    JDK;

    /** What {@link #AUTO} stands for: the provider that was faster in {@code TlsProviderBenchmark}. */
    static final TlsProvider FASTER = OPENSSL;

    private static final Logger LOG = LoggerFactory.getLogger(TlsProvider.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    /** The name used in configuration files: {@code auto}, {@code openssl}, {@code jdk}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a configured provider name, ignoring case.
     *
     * @param setting the name of the setting, for the message: {@code tls.provider}, {@code SC_TLS_PROVIDER}
     * @throws IllegalArgumentException with a one-line message naming the setting and the accepted values
     */
    public static TlsProvider parse(String setting, String value) {
        requireNonNull(setting, "setting");
        if (value != null) {
            for (TlsProvider provider : values()) {
                if (provider.label().equalsIgnoreCase(value.strip())) {
                    return provider;
                }
            }
        }
        throw new IllegalArgumentException(setting + ": '" + value + "' (expected: auto, openssl or jdk)");
    }

    /**
     * The provider an endpoint configured with this one actually runs: {@link #JDK} or {@link #OPENSSL}.
     * {@link #AUTO} is resolved to {@link #FASTER}; {@link #OPENSSL} that cannot be loaded falls back to {@link #JDK}.
     */
    public TlsProvider effective() {
        TlsProvider wanted = this == AUTO ? FASTER : this;
        if (wanted == OPENSSL && !OpenSsl.isAvailable()) {
            if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                Throwable cause = OpenSsl.unavailabilityCause();
                LOG.warn("TLS provider {}: BoringSSL (netty-tcnative) cannot be loaded here ({}); using the JDK's TLS"
                        + " instead", label(), cause == null ? "no reason given" : cause.toString().replace('\n', ' '));
            }
            return JDK;
        }
        return wanted;
    }
}
