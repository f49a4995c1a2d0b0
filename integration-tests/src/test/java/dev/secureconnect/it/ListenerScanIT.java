package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both listeners of a running server, on each TLS provider, as the real {@code sslscan --show-sigs} and {@code nmap
 * --script ssl-enum-ciphers} see them: TLS 1.2 and 1.3 only, AES-256-GCM suites only (no CBC, no RSA key exchange, no
 * AES-128, no ChaCha20), and no SHA-1 or SHA-224 signature algorithm. Both judge by the ServerHello. On BoringSSL
 * their TLS 1.3 probes list AES-128-GCM first, which the listener's ClientHello check refuses (BoringSSL would take
 * it): they report no TLS 1.3 there, so TLS 1.3 is required only on the JDK. sslscan's TLS 1.2 suite list (made with
 * the system's OpenSSL) stays empty against these mutual-TLS listeners: nmap's is the one checked for TLS 1.2.
 * Loopback is exempt from source blocking here: a scan is a storm of failed handshakes, and a blocked scanner would
 * see nothing.
 */
class ListenerScanIT {

    private static final Pattern SSLSCAN_CIPHER = Pattern.compile(
            "<cipher status=\"(?:accepted|preferred)\" sslversion=\"([^\"]+)\"[^>]* cipher=\"([^\"]+)\"");
    private static final Pattern SSLSCAN_PROTOCOL =
            Pattern.compile("<protocol type=\"(\\w+)\" version=\"([0-9.]+)\" enabled=\"([01])\"");
    private static final Pattern SSLSCAN_SIGNATURE =
            Pattern.compile("<connection-signature-algorithm sslversion=\"([^\"]+)\" name=\"([^\"]+)\"");
    private static final Pattern NMAP_SECTION = Pattern.compile("^\\|\\s+(SSLv\\d|TLSv1\\.\\d):", Pattern.MULTILINE);
    private static final Pattern NMAP_CIPHER = Pattern.compile("^\\|\\s+(TLS_\\w+) \\(", Pattern.MULTILINE);

    /**
     * The listeners' handshake time-out during the scans: several of the scanners' probes send a hello and wait for
     * the server to give up, so the default 10 s would make the scans take minutes.
     */
    private static final Duration SCAN_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    /** The suites of the policy, in sslscan's and nmap's names. */
    private static final List<String> POLICY_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AKE_WITH_AES_256_GCM_SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "DHE-RSA-AES256-GCM-SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");

    @TempDir
    Path root;

    @ParameterizedTest(name = "tls.provider: {0}")
    @ValueSource(strings = {"openssl", "jdk"})
    void scannersSeeOnlyThePolicy(String provider) throws Exception {
        try (ServerUnderTest server = new ServerUnderTest(root)) {
            restart(server, provider);
            PkiFiles appliance =
                    PkiFiles.write(root.resolve("appliance"), TestPki.shared().appliance("SN-SCAN"));
            PkiFiles engineer = PkiFiles.write(root.resolve("engineer"), server.enrolledEngineer());

            List<Scan> scans = List.of(
                    new Scan(provider, "appliance", server.appliancePort(), appliance),
                    new Scan(provider, "engineer", server.engineerPort(), engineer));
            // the four scans at once: each is a long series of one-at-a-time probes, mostly waiting
            ExecutorService scanners = Executors.newFixedThreadPool(2 * scans.size());
            try {
                List<Future<?>> running = new ArrayList<>();
                for (Scan scan : scans) {
                    running.add(scanners.submit(() -> {
                        checkSslscan(scan);
                        return null;
                    }));
                    running.add(scanners.submit(() -> {
                        checkNmap(scan);
                        return null;
                    }));
                }
                for (Future<?> scan : running) {
                    try {
                        scan.get(5, TimeUnit.MINUTES);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof AssertionError failed) {
                            throw failed;
                        }
                        throw e;
                    }
                }
            } finally {
                scanners.shutdownNow();
            }
        }
    }

    /** One listener to scan, with a client identity of its role. */
    private record Scan(String provider, String listener, int port, PkiFiles identity) {
        @Override
        public String toString() {
            return listener + " listener on " + provider;
        }
    }

    private void checkSslscan(Scan scan) throws Exception {
        Path certAndChain = root.resolve(scan.listener() + "-client.pem");
        Files.writeString(
                certAndChain,
                Files.readString(scan.identity().cert())
                        + Files.readString(scan.identity().chain()));
        String xml = run(List.of(
                "sslscan",
                "--no-colour",
                "--show-sigs",
                // the group probes are not checked here, and each of them waits out the JDK's handshake time-out
                "--no-groups",
                "--certs=" + certAndChain,
                "--pk=" + scan.identity().key(),
                "--xml=-",
                "127.0.0.1:" + scan.port()));
        String what = scan + ", sslscan printed:\n" + xml;

        List<String> enabled = new ArrayList<>();
        Matcher protocols = SSLSCAN_PROTOCOL.matcher(xml);
        while (protocols.find()) {
            if (protocols.group(3).equals("1")) {
                enabled.add(protocols.group(1) + protocols.group(2));
            }
        }
        assertThat(enabled).as(what).contains("tls1.2").isSubsetOf("tls1.2", "tls1.3");
        if (scan.provider().equals("jdk")) {
            assertThat(enabled).as(what).contains("tls1.3");
        }

        List<String> suites = new ArrayList<>();
        Matcher ciphers = SSLSCAN_CIPHER.matcher(xml);
        while (ciphers.find()) {
            suites.add(ciphers.group(1) + " " + ciphers.group(2));
        }
        if (scan.provider().equals("jdk")) {
            assertThat(suites).as(what).contains("TLSv1.3 TLS_AES_256_GCM_SHA384");
        }
        assertThat(suites).as(what).allSatisfy(suite -> assertThat(POLICY_SUITES)
                .contains(suite.split(" ")[1]));

        List<String> signatures = new ArrayList<>();
        Matcher algorithms = SSLSCAN_SIGNATURE.matcher(xml);
        while (algorithms.find()) {
            signatures.add(algorithms.group(1) + " " + algorithms.group(2));
        }
        assertThat(signatures)
                .as(what)
                .noneMatch(name -> name.contains("sha1") || name.contains("sha224") || name.contains("md5"));
    }

    private void checkNmap(Scan scan) throws Exception {
        String output = run(List.of(
                "nmap", "-Pn", "-n", "-p", String.valueOf(scan.port()), "--script", "+ssl-enum-ciphers", "127.0.0.1"));
        String what = scan + ", nmap printed:\n" + output;

        List<String> sections = new ArrayList<>();
        Matcher protocols = NMAP_SECTION.matcher(output);
        while (protocols.find()) {
            sections.add(protocols.group(1));
        }
        assertThat(sections).as(what).contains("TLSv1.2").isSubsetOf("TLSv1.2", "TLSv1.3");
        if (scan.provider().equals("jdk")) {
            assertThat(sections).as(what).contains("TLSv1.3");
        }

        List<String> suites = new ArrayList<>();
        Matcher ciphers = NMAP_CIPHER.matcher(output);
        while (ciphers.find()) {
            suites.add(ciphers.group(1));
        }
        assertThat(suites).as(what).contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(suites).as(what).allSatisfy(suite -> assertThat(POLICY_SUITES)
                .contains(suite));
        assertThat(output).as(what).doesNotContain("SHA1", "CBC", "TLS_RSA_WITH", "AES_128", "CHACHA20");
    }

    /** Restarts {@code server} on {@code provider} for both listeners, loopback exempt from source blocking. */
    private static void restart(ServerUnderTest server, String provider) throws InterruptedException {
        server.stop();
        ServerConfig config = ConfigFile.read(server.dir);
        ServerConfig.Tls tls = config.tls();
        ServerConfig.Limits limits = config.limits();
        server.daemon = ServerDaemon.start(
                server.dir,
                new ServerConfig(
                        config.node(),
                        config.applianceListener(),
                        config.engineerListener(),
                        new ServerConfig.Tls(
                                tls.certificate(),
                                tls.key(),
                                tls.chain(),
                                tls.ca(),
                                tls.crl(),
                                SCAN_HANDSHAKE_TIMEOUT,
                                provider),
                        config.database(),
                        config.link(),
                        config.audit(),
                        config.sinks(),
                        config.mail(),
                        config.reports(),
                        new ServerConfig.Limits(
                                limits.halfOpenPerSource(),
                                limits.halfOpenPerListener(),
                                limits.maxConcurrentStreams(),
                                limits.maxStreamsPerEngineer(),
                                limits.maxResetFrames(),
                                limits.resetWindow(),
                                new ServerConfig.Blocking(null, null, null, List.of("127.0.0.1"), null))),
                Clock.systemUTC());
    }

    /** Runs a scanner to its end (at most two minutes) and returns what it printed. */
    private String run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(root, "scan-", ".out");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    command + " did not finish within 120 s; it printed:\n" + Files.readString(output));
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("%s exit code; it printed:%n%s", command, printed)
                .isZero();
        return printed;
    }
}
