package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.OpenSsl;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation an endpoint runs {@link TlsPolicy} on: the JDK's own ({@code jdk}) or BoringSSL through
 * netty-tcnative ({@code openssl}). Both apply the same policy and the same trust decisions (the product's own trust
 * manager); see {@link TlsPolicy} for what BoringSSL does differently.
 *
 * <p>{@code auto}, the default, picks per side from {@code TlsProviderBenchmark}: listeners run BoringSSL (full
 * mutual-TLS handshakes about twice as fast: what a reconnect storm costs the server), clients run the JDK. Not
 * BoringSSL on both sides: it cannot be told to keep to AES-256 under TLS 1.3, so two BoringSSL ends negotiate
 * TLS_AES_128_GCM_SHA256, which the listener refuses; one JDK end keeps every connection on
 * TLS_AES_256_GCM_SHA384.
 *
 * <p>Configured as {@code tls.provider: auto | openssl | jdk} (server.yaml, appliance.json) or the environment
 * variable {@code SC_TLS_PROVIDER} (engineer CLI). When BoringSSL cannot be loaded on this machine, {@code auto} and
 * {@code openssl} fall back to the JDK with one log line saying why.
 */
public enum TlsProvider {
    /** The default: {@link #OPENSSL} on listeners when it can be loaded, {@link #JDK} on clients. */
    AUTO,
    /** BoringSSL through netty-tcnative-boringssl-static. */
    OPENSSL,
    /** The JDK's SunJSSE. */
    JDK;

    /** What {@link #AUTO} stands for on a listener. */
    static final TlsProvider LISTENER_DEFAULT = OPENSSL;

    /** What {@link #AUTO} stands for on a client. */
    static final TlsProvider CLIENT_DEFAULT = JDK;

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

    /** The provider a listener configured with this one runs: {@link #JDK} or {@link #OPENSSL}. */
    public TlsProvider onListener() {
        return available(this == AUTO ? LISTENER_DEFAULT : this);
    }

    /** The provider a client configured with this one runs: {@link #JDK} or {@link #OPENSSL}. */
    public TlsProvider onClient() {
        return available(this == AUTO ? CLIENT_DEFAULT : this);
    }

    /** {@code wanted}, or {@link #JDK} when it is {@link #OPENSSL} and BoringSSL cannot be loaded here. */
    private TlsProvider available(TlsProvider wanted) {
        if (wanted == OPENSSL && !OpenSsl.isAvailable()) {
            if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                Throwable cause = OpenSsl.unavailabilityCause();
                LOG.warn(
                        "TLS provider {}: BoringSSL (netty-tcnative) cannot be loaded here ({}); using the JDK's TLS"
                                + " instead",
                        label(),
                        cause == null ? "no reason given" : cause.toString().replace('\n', ' '));
            }
            return JDK;
        }
        return wanted;
    }
}
