package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.secureconnect.crypto.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real TLS 1.3 handshakes on 127.0.0.1 between JDK sockets: the server requires a client certificate and checks
 * it with {@link CertificateChainValidator#trustManager()}.
 */
class TrustManagerHandshakeTest {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final char[] KEY_PASSWORD = "key-store".toCharArray();
    private static final String TLS_1_3 = "TLSv1.3";

    private static TestPki pki;
    private static TestPki.Issued server;

    private ExecutorService executor;

    @BeforeAll
    static void issueServerCertificate() {
        pki = TestPki.shared();
        server = pki.server();
    }

    @BeforeEach
    void startExecutor() {
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-test-server");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                .as("server thread ended")
                .isTrue();
    }

    @Test
    void engineerCertificateIsAcceptedAndSeenByTheServer() throws Exception {
        TestPki.Issued engineer = pki.engineer("tls-alice");

        Outcome outcome = handshake(engineer);

        assertThat(outcome.clientFailure()).isNull();
        assertThat(outcome.clientRead()).isEqualTo(42);
        assertThat(outcome.serverFailure()).isNull();
        assertThat(outcome.protocol()).isEqualTo(TLS_1_3);
        assertThat(outcome.peer()).isEqualTo(engineer.certificate());
        assertThat(CertificateIdentity.of(outcome.peer())).isEqualTo(TestPki.engineerIdentity("tls-alice"));
    }

    static Stream<Arguments> refusedClients() {
        return Stream.of(
                Arguments.of(
                        "fail/revoked",
                        (Supplier<TestPki.Issued>) () -> pki.revoked(TestPki.engineerIdentity("tls-mallory")),
                        "revoked"),
                Arguments.of(
                        "fail/expired",
                        (Supplier<TestPki.Issued>) () -> pki.expired(TestPki.engineerIdentity("tls-old")),
                        "expired"),
                Arguments.of(
                        "fail/untrusted-ca",
                        (Supplier<TestPki.Issued>) () -> pki.untrusted(TestPki.engineerIdentity("tls-rogue")),
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedClients")
    void invalidClientCertificateFailsTheHandshake(String name, Supplier<TestPki.Issued> client, String validatorReason)
            throws Exception {
        Outcome outcome = handshake(client.get());

        assertThat(outcome.serverFailure()).as("server side").isInstanceOf(SSLHandshakeException.class);
        assertThat(outcome.peer()).isNull();
        assertThat(outcome.clientRead())
                .as("the client got no application data")
                .isNotEqualTo(42);
        if (validatorReason != null) {
            CertPathValidatorException cause = causeOfType(outcome.serverFailure(), CertPathValidatorException.class);
            assertThat(cause)
                    .as("CertPathValidatorException in %s", outcome.serverFailure())
                    .isNotNull();
            assertThat(cause.getReason().toString()).isEqualToIgnoringCase(validatorReason);
        }
    }

    // ---- one handshake ---------------------------------------------------------------------------------------

    /** What each side saw: the server's peer certificate or failure, the byte the client read or its failure. */
    record Outcome(
            X509Certificate peer, String protocol, Exception serverFailure, int clientRead, Exception clientFailure) {}

    private record ServerSide(X509Certificate peer, String protocol) {}

    private Outcome handshake(TestPki.Issued client) throws Exception {
        CertificateChainValidator validator = pki.validator();
        SSLContext serverContext = context(server, validator);
        SSLContext clientContext = context(client, validator);

        try (SSLServerSocket listener = (SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {TLS_1_3});
            listener.setSoTimeout(TIMEOUT_MILLIS);
            Future<ServerSide> serverSide = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                    socket.startHandshake();
                    X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                    OutputStream out = socket.getOutputStream();
                    out.write(42);
                    out.flush();
                    return new ServerSide(peer, socket.getSession().getProtocol());
                }
            });

            int read = -2;
            Exception clientFailure = null;
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
                socket.connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()),
                        TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.setEnabledProtocols(new String[] {TLS_1_3});
                socket.startHandshake();
                InputStream in = socket.getInputStream();
                read = in.read();
            } catch (IOException e) {
                clientFailure = e;
            }

            try {
                ServerSide result = serverSide.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                return new Outcome(result.peer(), result.protocol(), null, read, clientFailure);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof Exception cause)) {
                    throw e;
                }
                return new Outcome(null, null, cause, read, clientFailure);
            } catch (TimeoutException e) {
                return fail("the server did not finish its side of the handshake within %d ms", TIMEOUT_MILLIS);
            }
        }
    }

    /** A TLS context presenting {@code identity} and trusting peers through {@code validator}. */
    private static SSLContext context(TestPki.Issued identity, CertificateChainValidator validator) throws Exception {
        KeyStore keyStore = identity.keyStore(KEY_PASSWORD);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, KEY_PASSWORD);
        SSLContext context = SSLContext.getInstance(TLS_1_3);
        context.init(keyManagers.getKeyManagers(), new TrustManager[] {validator.trustManager()}, null);
        return context;
    }

    private static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
