package dev.secureconnect.export.syslog;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.ReceiverTrust;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * TLS for syslog (RFC 5425) on a connected TCP socket: TLS 1.3/1.2 with {@link TlsPolicy}'s cipher suites, trust in
 * the configured CA file ({@link ReceiverTrust}, no revocation check), the receiver's name checked HTTPS-style (an
 * IP literal against the certificate's IP address SANs), the client certificate from {@link KeyMaterial#load}
 * when configured. The PEM files are read at the first connection and kept.
 */
final class TlsLayer {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private final SyslogSettings settings;
    private @Nullable SSLContext context;

    TlsLayer(SyslogSettings settings) {
        this.settings = settings;
    }

    /** Runs the handshake over {@code raw}, within the connect timeout; closes {@code raw} on failure. */
    SSLSocket handshake(Socket raw) throws DeliveryException {
        String host = settings.bareHost();
        try {
            SSLSocket tls = (SSLSocket) context().getSocketFactory().createSocket(raw, host, settings.port(), true);
            SSLParameters parameters = tls.getSSLParameters();
            TlsPolicy.applyTo(parameters);
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!IP_LITERAL.matcher(host).matches()) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            tls.setSSLParameters(parameters);
            raw.setSoTimeout(StreamSender.timeoutMillis(settings.connectTimeout()));
            tls.startHandshake();
            raw.setSoTimeout(0);
            return tls;
        } catch (SSLHandshakeException e) {
            StreamSender.closeQuietly(raw);
            throw new DeliveryException(
                    "TLS handshake with " + settings.address() + " failed: " + handshakeReason(e), e);
        } catch (SocketTimeoutException e) {
            StreamSender.closeQuietly(raw);
            throw new DeliveryException(
                    "TLS handshake with " + settings.address() + " timed out after " + settings.connectTimeout(), e);
        } catch (IOException | IllegalArgumentException e) {
            StreamSender.closeQuietly(raw);
            throw new DeliveryException(
                    "TLS handshake with " + settings.address() + " failed: " + OneLine.reason(e), e);
        }
    }

    /** Reads the PEM files and builds the TLS context, once; a problem with them fails before any connection. */
    void prepare() throws DeliveryException {
        context();
    }

    private SSLContext context() throws DeliveryException {
        if (context == null) {
            try {
                KeyMaterial client = settings.certificate() == null
                        ? null
                        : KeyMaterial.load(
                                settings.certificate(), java.util.Objects.requireNonNull(settings.key(), "key"), null);
                context = ReceiverTrust.sslContext(settings.ca(), client);
            } catch (CryptoException | IllegalArgumentException | IllegalStateException e) {
                throw new DeliveryException(
                        "TLS set-up for " + settings.address() + " failed: " + OneLine.reason(e), e);
            }
        }
        return context;
    }

    /** Why the handshake failed, in words an operator can act on. */
    static String handshakeReason(SSLHandshakeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathBuilderException
                    || cause instanceof CertPathValidatorException
                    || cause.getClass().getName().endsWith("ValidatorException")) {
                return "the receiver's certificate is not trusted (it does not chain to the configured CA: "
                        + OneLine.reason(cause) + ")";
            }
            if (cause instanceof CertificateException
                    && (String.valueOf(cause.getMessage()).contains("No subject alternative")
                            || String.valueOf(cause.getMessage()).startsWith("No name matching"))) {
                return "the receiver's certificate does not name the host dialled (" + OneLine.reason(cause) + ")";
            }
        }
        return OneLine.reason(e);
    }
}
