package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real appliance listener of a running server, probed with {@code openssl s_client}: only a valid appliance
 * certificate over the policy's suites gets in, and every refusal is audited with its reason.
 */
class ApplianceListenerOpenSslIT {

    @TempDir
    static Path root;

    static ServerUnderTest server;
    static Path appliance;
    static Path engineer;
    static Path revoked;

    @BeforeAll
    static void start() throws InterruptedException {
        TestPki pki = TestPki.shared();
        appliance = PkiFiles.write(root.resolve("appliance"), pki.appliance("SN-OPENSSL"))
                .dir();
        engineer = PkiFiles.write(root.resolve("engineer"), pki.engineer("eve")).dir();
        revoked = PkiFiles.write(root.resolve("revoked"), pki.revoked(CertificateIdentity.appliance("SN-REVOKED")))
                .dir();
        server = new ServerUnderTest(root);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record SClient(int exitCode, String output) {}

    /** Runs s_client, keeps its input open for a moment so the server's post-handshake verdict arrives, then quits. */
    static SClient sClient(List<String> extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + server.appliancePort(),
                "-servername",
                "localhost",
                "-CAfile",
                appliance.resolve("ca.pem").toString(),
                "-alpn",
                "secureconnect/1"));
        command.addAll(extra);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            // wait (bounded) for the server's verdict: a TLS 1.3 server checks the client certificate after the
            // client has finished its side of the handshake
            process.waitFor(2, TimeUnit.SECONDS);
            if (process.isAlive()) {
                in.write("Q\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // s_client already exited (refused): its output says why
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl s_client did not finish within 20 s");
        }
        return new SClient(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static List<String> identity(Path folder) {
        return List.of(
                "-cert",
                folder.resolve("cert.pem").toString(),
                "-key",
                folder.resolve("key.pem").toString(),
                "-cert_chain",
                folder.resolve("chain.pem").toString());
    }

    static Optional<ServerAuditRecord> refusalAfter(long seq, String reason) throws InterruptedException {
        Eventually.within(
                java.time.Duration.ofSeconds(10),
                "a handshake.refused record with reason " + reason,
                () -> refusal(seq, reason).isPresent());
        return refusal(seq, reason);
    }

    private static Optional<ServerAuditRecord> refusal(long seq, String reason) {
        return server.audit().stream()
                .filter(r -> r.seq() > seq && r.event().type() == EventType.HANDSHAKE_REFUSED)
                .filter(r -> reason.equals(r.event().details().get("reason")))
                .findFirst();
    }

    static long lastSeq() {
        return server.audit().stream().mapToLong(ServerAuditRecord::seq).max().orElse(0);
    }

    @Test
    void validApplianceNegotiatesTls13WithAes256Gcm() throws Exception {
        long before = lastSeq();
        SClient result = sClient(concat(identity(appliance), "-tls1_3"));
        assertThat(result.output())
                .contains("TLSv1.3")
                .contains("TLS_AES_256_GCM_SHA384")
                .contains("ALPN protocol: secureconnect/1")
                .contains("Verify return code: 0 (ok)");
        assertThat(server.audit().stream()
                        .filter(r -> r.seq() > before)
                        .anyMatch(r -> r.event().type() == EventType.HANDSHAKE_REFUSED))
                .isFalse();
    }

    @Test
    void noClientCertificateIsRefused() throws Exception {
        long before = lastSeq();
        SClient result = sClient(List.of("-tls1_3"));
        assertThat(result.output()).containsIgnoringCase("alert");
        assertThat(refusalAfter(before, "no-certificate")).isPresent();
    }

    @Test
    void engineerCertificateIsRefusedAsWrongRole() throws Exception {
        long before = lastSeq();
        SClient result = sClient(concat(identity(engineer), "-tls1_3"));
        assertThat(result.output()).containsIgnoringCase("alert");
        assertThat(refusalAfter(before, "wrong-role")).isPresent();
    }

    @Test
    void revokedApplianceCertificateIsRefused() throws Exception {
        long before = lastSeq();
        SClient result = sClient(concat(identity(revoked), "-tls1_3"));
        assertThat(result.output()).containsIgnoringCase("alert");
        assertThat(refusalAfter(before, "revoked")).isPresent();
    }

    @Test
    void tls12WithOnlyAes128SuitesFailsTheHandshake() throws Exception {
        SClient result = sClient(concat(
                identity(appliance), "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:AES128-SHA"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).containsIgnoringCase("handshake failure").doesNotContain("Cipher is AES128");
    }

    /**
     * A TLS 1.2 client that offers SHA-256 in its ClientHello but signs its CertificateVerify with SHA-1
     * ({@code -client_sigalgs}), which BoringSSL's certificate request still lists: refused before BoringSSL reads it,
     * and audited; the same client signing with PKCS#1 v1.5 or RSA-PSS over SHA-256 is let in.
     */
    @Test
    void tls12CertificateVerifySignedWithSha1IsRefusedAndAudited() throws Exception {
        long before = lastSeq();
        SClient sha1 = sClient(tls12Signing("RSA+SHA1"));
        assertThat(sha1.output())
                .contains("Shared Requested Signature Algorithms: RSA+SHA1", "alert handshake failure");
        ServerAuditRecord refusal = refusalAfter(before, "invalid").orElseThrow();
        assertThat(refusal.event().details().get("message"))
                .startsWith("the client signed its TLS 1.2 CertificateVerify with rsa_pkcs1_sha1, which the TLS policy"
                        + " does not allow");

        for (String sigalgs : List.of("RSA+SHA256", "RSA-PSS+SHA256")) {
            long after = lastSeq();
            SClient accepted = sClient(tls12Signing(sigalgs));
            assertThat(accepted.output())
                    .contains("Shared Requested Signature Algorithms: " + sigalgs)
                    .contains("New, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384")
                    .contains("Verify return code: 0 (ok)")
                    .doesNotContain("alert handshake failure");
            assertThat(server.audit().stream()
                            .filter(r -> r.seq() > after)
                            .anyMatch(r -> r.event().type() == EventType.HANDSHAKE_REFUSED))
                    .as("no refusal for a CertificateVerify signed with %s", sigalgs)
                    .isFalse();
        }
    }

    /** s_client offering SHA-256 for the listener's signature, signing its own CertificateVerify with {@code sigalgs}. */
    private static List<String> tls12Signing(String sigalgs) {
        return concat(
                identity(appliance),
                "-tls1_2",
                "-sigalgs",
                "RSA+SHA256",
                "-client_sigalgs",
                sigalgs,
                "-cipher",
                "ECDHE-RSA-AES256-GCM-SHA384@SECLEVEL=0");
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
