package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.pki.ca.CaDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDK TLS 1.3 handshake with client authentication on 127.0.0.1 between a server certificate and engineer (and
 * API client) certificates that sc-pki issued; the server trusts the sc-pki roots through {@link CertificateChainValidator}
 * with the CRL that {@code sc-pki revoke} wrote.
 */
class TlsHandshakeTest {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final char[] STORE_PASSWORD = "in-memory".toCharArray();
    private static final int ACK = '!';

    @TempDir
    static Path work;

    private static Path ca;
    private static Path pastCa;
    private static X509TrustManager serverTrust;
    private static X509TrustManager clientTrust;
    private static KeyManager[] serverKeys;

    @BeforeAll
    static void issueServerAndEngineerCertificates() {
        PkiCli cli = PkiCli.admin();
        ca = cli.init(work.resolve("ca"));
        cli.ok(
                "issue",
                "server",
                "--dir",
                ca.toString(),
                "--dns",
                "localhost",
                "--ip",
                "127.0.0.1",
                "--out",
                work.resolve("server").toString());
        issueEngineer(cli, ca, "alice", "365");
        issueEngineer(cli, ca, "mallory", "365");
        cli.ok(
                "issue",
                "api-client",
                "--dir",
                ca.toString(),
                "--name",
                "splunk-prod",
                "--out",
                work.resolve("splunk-prod").toString());
        cli.ok("revoke", "--dir", ca.toString(), "--serial", serialOf("mallory"), "--reason", "keyCompromise");

        // a CA made 30 days ago, whose one-day engineer certificate has expired since; its CRL is still current
        PkiCli past = cli.withClock(Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC));
        pastCa = past.initNamed(work.resolve("past-ca"), "Acme Past", "--crl-days", "60");
        issueEngineer(past, pastCa, "olga", "1");
        issueEngineer(past, pastCa, "oscar", "365");

        serverTrust = validator(ca, pastCa).trustManager();
        clientTrust = validator(ca).trustManager();
        serverKeys = keyManagers(work.resolve("server"));
    }

    @Test
    void aValidEngineerCertificateCompletesTheHandshake() throws Exception {
        Outcome outcome = handshake(work.resolve("alice"));

        assertThat(outcome.serverFailure()).as("server side").isNull();
        assertThat(outcome.clientFailure()).as("client side").isNull();
        assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
        assertThat(outcome.acknowledged()).isTrue();
        X509Certificate peer = (X509Certificate) outcome.peerChain()[0];
        assertThat(peer).isEqualTo(Pem.readCertificate(work.resolve("alice").resolve("cert.pem")));
        CertificateIdentity identity = CertificateIdentity.of(peer);
        assertThat(identity.role()).isEqualTo(CertificateRole.ENGINEER);
        assertThat(identity.id()).isEqualTo("alice");
    }

    @Test
    void anApiClientCertificateFromItsPemFilesCompletesTheHandshake() throws Exception {
        Outcome outcome = handshake(work.resolve("splunk-prod"));

        assertThat(outcome.serverFailure()).as("server side").isNull();
        assertThat(outcome.clientFailure()).as("client side").isNull();
        assertThat(outcome.acknowledged()).isTrue();
        CertificateIdentity identity = CertificateIdentity.of((X509Certificate) outcome.peerChain()[0]);
        assertThat(identity.role()).isEqualTo(CertificateRole.API_CLIENT);
        assertThat(identity.id()).isEqualTo("splunk-prod");
    }

    @Test
    void aValidEngineerOfTheOlderCaCompletesTheHandshake() throws Exception {
        Outcome outcome = handshake(work.resolve("oscar"));

        assertThat(outcome.serverFailure()).as("server side").isNull();
        assertThat(outcome.acknowledged()).isTrue();
        assertThat(CertificateIdentity.of((X509Certificate) outcome.peerChain()[0])
                        .id())
                .isEqualTo("oscar");
    }

    @Test
    void aRevokedEngineerCertificateIsRefused() throws Exception {
        Outcome outcome = handshake(work.resolve("mallory"));

        assertThat(outcome.serverFailure()).as("server side").isInstanceOf(SSLHandshakeException.class);
        assertThat(validationFailure(outcome.serverFailure()).getReason())
                .isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.clientFailure()).as("client side").isNotNull();
    }

    @Test
    void anExpiredEngineerCertificateIsRefused() throws Exception {
        X509Certificate olga = Pem.readCertificate(work.resolve("olga").resolve("cert.pem"));
        assertThat(olga.getNotAfter().toInstant()).isBefore(Instant.now());
        assertThat(Pem.readCertificate(pastCa.resolve("issuing-ca.pem"))
                        .getNotAfter()
                        .toInstant())
                .isAfter(Instant.now());
        assertThat(PkiCli.admin()
                        .ok("list", "--dir", pastCa.toString(), "--status", "expired")
                        .out())
                .contains(CaDirectory.serialHex(olga), "olga");

        Outcome outcome = handshake(work.resolve("olga"));

        assertThat(outcome.serverFailure()).as("server side").isInstanceOf(SSLHandshakeException.class);
        CertPathValidatorException failure = validationFailure(outcome.serverFailure());
        assertThat(failure.getReason()).isEqualTo(CertPathValidatorException.BasicReason.EXPIRED);
        assertThat(causes(failure)).hasAtLeastOneElementOfType(CertificateExpiredException.class);
        assertThat(outcome.acknowledged()).isFalse();
        assertThat(outcome.clientFailure()).as("client side").isNotNull();
    }

    // ---- the handshake -------------------------------------------------------------------------------------

    /** What each side saw: the server's failure or the client chain it accepted, and the client's result. */
    record Outcome(
            Throwable serverFailure,
            Certificate[] peerChain,
            Throwable clientFailure,
            String protocol,
            boolean acknowledged) {}

    /**
     * Runs one handshake: the server (needClientAuth, TLSv1.3 only) accepts on an executor, sends one byte after
     * a successful handshake and closes; the client connects with the engineer's key and reads that byte.
     */
    private static Outcome handshake(Path engineer) throws Exception {
        SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(serverKeys, new TrustManager[] {serverTrust}, null);
        SSLContext clientContext = SSLContext.getInstance("TLSv1.3");
        clientContext.init(keyManagers(engineer), new TrustManager[] {clientTrust}, null);

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket server = (SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.3"});
            server.setNeedClientAuth(true);
            server.setSoTimeout(TIMEOUT_MILLIS);
            Future<Certificate[]> accepted = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                    socket.startHandshake();
                    Certificate[] peer = socket.getSession().getPeerCertificates();
                    socket.getOutputStream().write(ACK);
                    socket.getOutputStream().flush();
                    return peer;
                }
            });

            Throwable clientFailure = null;
            String protocol = null;
            boolean acknowledged = false;
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
                client.setEnabledProtocols(new String[] {"TLSv1.3"});
                client.connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), TIMEOUT_MILLIS);
                client.setSoTimeout(TIMEOUT_MILLIS);
                client.startHandshake();
                protocol = client.getSession().getProtocol();
                acknowledged = client.getInputStream().read() == ACK;
            } catch (IOException e) {
                clientFailure = e;
            }

            try {
                Certificate[] peer = accepted.get(2L * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                return new Outcome(null, peer, clientFailure, protocol, acknowledged);
            } catch (ExecutionException e) {
                return new Outcome(e.getCause(), null, clientFailure, protocol, acknowledged);
            } catch (TimeoutException e) {
                throw new AssertionError("the server side did not finish its handshake in time", e);
            }
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                    .as("server thread ended")
                    .isTrue();
        }
    }

    private static CertPathValidatorException validationFailure(Throwable failure) {
        return causes(failure).stream()
                .filter(CertPathValidatorException.class::isInstance)
                .map(CertPathValidatorException.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CertPathValidatorException behind " + failure, failure));
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable cause = failure; cause != null && chain.size() < 20; cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    // ---- fixtures ------------------------------------------------------------------------------------------

    private static void issueEngineer(PkiCli cli, Path dir, String login, String days) {
        cli.ok(
                "issue",
                "engineer",
                "--dir",
                dir.toString(),
                "--login",
                login,
                "--name",
                "Engineer " + login,
                "--email",
                login + "@example.com",
                "--days",
                days,
                "--out",
                work.resolve(login).toString());
    }

    private static String serialOf(String folder) {
        return CaDirectory.serialHex(Pem.readCertificate(work.resolve(folder).resolve("cert.pem")));
    }

    /** Trusts the roots of {@code dirs} with their issuing CAs and current CRLs (DIR/crl.pem). */
    private static CertificateChainValidator validator(Path... dirs) {
        List<Path> all = List.of(dirs);
        return new CertificateChainValidator(
                all.stream()
                        .map(dir -> Pem.readCertificate(dir.resolve("ca.pem")))
                        .toList(),
                all.stream()
                        .map(dir -> Pem.readCertificate(dir.resolve("issuing-ca.pem")))
                        .toList(),
                all.stream().map(dir -> Pem.readCrl(dir.resolve("crl.pem"))).toList());
    }

    /** Key managers over OUT/key.pem and the chain OUT/cert.pem + OUT/chain.pem that sc-pki wrote. */
    private static KeyManager[] keyManagers(Path out) {
        try {
            PrivateKey key = Pem.readPrivateKey(out.resolve("key.pem"), null);
            List<X509Certificate> chain = new java.util.ArrayList<>(Pem.readCertificates(out.resolve("cert.pem")));
            chain.addAll(Pem.readCertificates(out.resolve("chain.pem")));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("identity", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, STORE_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new AssertionError("cannot load the key and chain in " + out, e);
        }
    }
}
