package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.keys;
import static dev.secureconnect.crypto.tls.TlsFixtures.publishCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.trust;
import static dev.secureconnect.crypto.tls.TlsFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusal;
import dev.secureconnect.crypto.tls.TlsFixtures.Refusals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The appliance listener, built by {@link SslContexts#server} and served by Netty, against the real
 * {@code openssl s_client}. The listener echoes the first line it receives and closes: a client that sees its line
 * come back was let in. With TLS 1.3 s_client finishes its side of the handshake before the listener has checked
 * its certificate, so a refusal shows as the listener's report, a failed handshake on the listener's side and no
 * echo, rather than as s_client's handshake failing.
 */
abstract class OpenSslInteropTest {

    /** The provider every SecureConnect endpoint of this run is built on. */
    abstract TlsProvider provider();

    private static TestPki pki;
    private static TestPki.Issued server;

    @TempDir
    Path dir;

    private final Refusals refusals = new Refusals();
    private final String marker = "secureconnect-echo-" + UUID.randomUUID();
    private Path rootFile;
    private Path chainFile;

    @BeforeAll
    static void serverCertificate() {
        pki = TestPki.shared();
        server = pki.server();
    }

    @BeforeEach
    void writeCaFiles() {
        rootFile = write(dir.resolve("root.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        chainFile = write(dir.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
    }

    @Test
    void validApplianceOverTls13NegotiatesAes256Gcm() {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-OK");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result result = OpenSslClient.run(
                    listener.port(), args(appliance, "-tls1_3", "-alpn", "secureconnect/1", "-ign_eof"), marker + "\n");

            assertThat(result.output()).contains("New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384");
            assertThat(result.output()).contains("ALPN protocol: secureconnect/1");
            assertThat(result.output()).contains("Verify return code: 0 (ok)");
            assertThat(result.output()).as("the listener echoed the line").contains(marker);
            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.succeeded()).isTrue();
            assertThat(seen.peer()).isEqualTo(CertificateIdentity.appliance("SN-OPENSSL-OK"));
            assertThat(seen.cipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
        }
        assertThat(refusals.drain()).isEmpty();
    }

    /** The JDK's listener also takes DHE-RSA; BoringSSL has no DHE at all and takes ECDHE-RSA only. */
    static Stream<Arguments> tls12Suites() {
        return Stream.of(
                Arguments.of("ok/tls12-default-offer", null, "ECDHE-RSA-AES256-GCM-SHA384"),
                Arguments.of("ok-on-jdk/tls12-dhe-only", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-AES256-GCM-SHA384"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tls12Suites")
    void validApplianceOverTls12NegotiatesAes256Gcm(String name, String offered, String negotiated) {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-TLS12");
        try (EchoServer listener = applianceListener()) {
            List<String> args = args(appliance, "-tls1_2", "-ign_eof");
            if (offered != null) {
                args.addAll(List.of("-cipher", offered));
            }
            OpenSslClient.Result result = OpenSslClient.run(listener.port(), args, marker + "\n");

            if (negotiated.startsWith("DHE-") && provider() == TlsProvider.OPENSSL) {
                assertThat(result.output()).contains("Cipher is (NONE)").doesNotContain(marker);
                assertThat(listener.nextHandshake().succeeded()).isFalse();
                return;
            }
            assertThat(result.output()).contains("New, TLSv1.2, Cipher is " + negotiated);
            assertThat(result.output()).contains(marker);
            assertThat(listener.nextHandshake().succeeded()).isTrue();
        }
    }

    /**
     * s_client offering AES-128-GCM before AES-256-GCM under TLS 1.3: the JDK's listener picks AES-256-GCM; BoringSSL's
     * would take AES-128-GCM, so the listener's ClientHello check refuses the offer: s_client gets a handshake_failure
     * alert and no ServerHello naming a suite.
     */
    @Test
    void tls13ClientPreferringAes128() {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-AES128-FIRST");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result result = OpenSslClient.run(
                    listener.port(),
                    args(
                            appliance,
                            "-tls1_3",
                            "-ign_eof",
                            "-ciphersuites",
                            "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"),
                    marker + "\n");

            if (provider() == TlsProvider.OPENSSL) {
                assertThat(listener.nextHandshake().succeeded()).isFalse();
                assertThat(refusals.next().message()).contains("TLS 1.3 offer would get TLS_AES_128_GCM_SHA256");
                assertThat(result.output())
                        .contains("alert handshake failure", "Cipher is (NONE)")
                        .doesNotContain("TLS_AES_128_GCM_SHA256", marker);
            } else {
                assertThat(result.output())
                        .contains("New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384")
                        .contains(marker);
                assertThat(listener.nextHandshake().succeeded()).isTrue();
            }
        }
    }

    static Stream<Arguments> refusedClients() {
        return Stream.of(
                Arguments.of("fail/no-client-certificate", null, null),
                Arguments.of("fail/engineer-certificate", pki().engineer("openssl-eve"), Reason.WRONG_ROLE),
                Arguments.of(
                        "fail/revoked-appliance",
                        pki().revoked(CertificateIdentity.appliance("SN-OPENSSL-REVOKED")),
                        Reason.REVOKED),
                Arguments.of(
                        "fail/expired-appliance",
                        pki().expired(CertificateIdentity.appliance("SN-OPENSSL-EXPIRED")),
                        Reason.EXPIRED),
                Arguments.of(
                        "fail/unknown-ca",
                        pki().untrusted(CertificateIdentity.appliance("SN-OPENSSL-ROGUE")),
                        Reason.UNKNOWN_CA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedClients")
    void applianceListenerRefusesOverTls13(String name, TestPki.Issued client, Reason reason) {
        try (EchoServer listener = applianceListener()) {
            List<String> args =
                    client == null ? args(null, "-tls1_3", "-ign_eof") : args(client, "-tls1_3", "-ign_eof");
            OpenSslClient.Result result = OpenSslClient.run(listener.port(), args, marker + "\n");

            EchoServer.Handshake seen = listener.nextHandshake();
            assertThat(seen.succeeded())
                    .as("listener-side handshake; s_client printed:%n%s", result.output())
                    .isFalse();
            if (reason == null) {
                assertThat(seen.failure())
                        .hasStackTraceContaining(
                                provider() == TlsProvider.OPENSSL
                                        ? "PEER_DID_NOT_RETURN_A_CERTIFICATE"
                                        : "Empty client certificate chain");
                assertThat(result.output()).containsAnyOf("alert bad certificate", "alert certificate required");
            } else {
                Refusal refusal = refusals.next();
                assertThat(refusal.reason()).as(refusal.message()).isEqualTo(reason);
                assertThat(refusal.subject())
                        .isEqualTo(
                                client.certificate().getSubjectX500Principal().getName());
                // the JDK sends certificate_unknown for every refusal; BoringSSL names revoked and expired
                // certificates and sends internal_error for the other refusals of the trust manager
                assertThat(result.output())
                        .containsPattern(
                                provider() == TlsProvider.OPENSSL
                                        ? "alert (certificate revoked|certificate expired|internal error)"
                                        : "alert certificate unknown");
            }
            assertThat(result.output())
                    .as("s_client got no application data back")
                    .doesNotContain(marker);
        }
    }

    static Stream<Arguments> weakSuites() {
        return Stream.of(
                Arguments.of(
                        "fail/tls12-aes128-only",
                        List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256")),
                Arguments.of(
                        "fail/tls12-cbc-and-rsa-kx-only",
                        List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384:AES256-GCM-SHA384:AES256-SHA256")),
                Arguments.of(
                        "fail/tls13-aes128-and-chacha-only",
                        List.of("-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256")),
                Arguments.of("fail/tls11", List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakSuites")
    void clientOfferingNothingThePolicyAllowsFailsTheHandshake(String name, List<String> offer) {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-WEAK-OFFER");
        try (EchoServer listener = applianceListener()) {
            List<String> args = args(appliance, "-ign_eof");
            args.addAll(offer);
            OpenSslClient.Result result = OpenSslClient.run(listener.port(), args, marker + "\n");

            if (provider() == TlsProvider.OPENSSL && offer.contains("-tls1_3")) {
                // BoringSSL would take any TLS 1.3 suite: the ClientHello check refuses the offer before it does
                assertThat(refusals.next().message()).contains("TLS 1.3 offer would get TLS_AES_128_GCM_SHA256");
                assertThat(result.output()).contains("alert handshake failure");
            }
            assertThat(result.exitCode())
                    .as("s_client exit code; it printed:%n%s", result.output())
                    .isNotZero();
            assertThat(result.output())
                    .contains("CONNECTED", "Cipher is (NONE)")
                    .doesNotContain(marker);
            assertThat(listener.nextHandshake().succeeded()).isFalse();
        }
        assertThat(refusals.drain()).isEmpty();
    }

    /**
     * A TLS 1.2 client that offers only SHA-1 (or SHA-224) signature algorithms, with a valid appliance certificate
     * (and OpenSSL's security level lowered so that it offers them at all): the listener has nothing within the policy
     * to sign its key exchange with, and the handshake fails before any application data.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RSA+SHA1", "RSA+SHA224", "RSA+SHA1:RSA+SHA224:ECDSA+SHA1"})
    void tls12ClientOfferingOnlyWeakSignatureAlgorithmsFailsTheHandshake(String sigalgs) {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-SIGALGS");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result result = OpenSslClient.run(
                    listener.port(),
                    args(
                            appliance,
                            "-tls1_2",
                            "-ign_eof",
                            "-sigalgs",
                            sigalgs,
                            "-cipher",
                            "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-GCM-SHA384@SECLEVEL=0"),
                    marker + "\n");

            assertThat(result.exitCode())
                    .as("s_client exit code; it printed:%n%s", result.output())
                    .isNotZero();
            assertThat(result.output()).contains("Cipher is (NONE)").doesNotContain(marker);
            assertThat(listener.nextHandshake().succeeded()).isFalse();
        }
    }

    /** The same client offering SHA-256 as well is let in, and the listener signs with SHA-256. */
    @Test
    void tls12ClientOfferingSha1AndSha256GetsSha256() {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-SIGALGS-OK");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result result = OpenSslClient.run(
                    listener.port(),
                    args(
                            appliance,
                            "-tls1_2",
                            "-ign_eof",
                            "-sigalgs",
                            "RSA+SHA1:RSA+SHA256",
                            "-cipher",
                            "ECDHE-RSA-AES256-GCM-SHA384@SECLEVEL=0"),
                    marker + "\n");

            assertThat(result.output()).contains("Peer signing digest: SHA256").contains(marker);
            assertThat(listener.nextHandshake().succeeded()).isTrue();
        }
        assertThat(refusals.drain()).isEmpty();
    }

    /**
     * A TLS 1.2 client with a valid appliance certificate that offers only SHA-256 in its ClientHello
     * ({@code -sigalgs}, so the ClientHello check lets it through and the listener signs with SHA-256) but signs its
     * own CertificateVerify with {@code clientSigalgs} ({@code -client_sigalgs}). BoringSSL's certificate request
     * lists {@code rsa_pkcs1_sha1} (netty-tcnative cannot change it), so s_client signs with SHA-1 and, without the
     * listener's CertificateVerify check, was let in; the check refuses it with a {@code handshake_failure} alert.
     * The JDK's certificate request lists neither SHA-1 nor SHA-224, so s_client finds nothing to sign with there and
     * sends no certificate; SHA-224 is in neither list. RSA-PSS and PKCS#1 v1.5 over SHA-256 are let in on both.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "fail/client-signs-rsa-sha1, RSA+SHA1",
        "fail/client-signs-rsa-sha224, RSA+SHA224",
        "ok/client-signs-rsa-sha256, RSA+SHA256",
        "ok/client-signs-rsa-pss-sha256, RSA-PSS+SHA256"
    })
    void tls12ClientSigningItsCertificateVerify(String name, String clientSigalgs) {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-CLIENT-SIGALGS");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result result = OpenSslClient.run(
                    listener.port(),
                    args(
                            appliance,
                            "-tls1_2",
                            "-ign_eof",
                            "-sigalgs",
                            "RSA+SHA256",
                            "-client_sigalgs",
                            clientSigalgs,
                            "-cipher",
                            "ECDHE-RSA-AES256-GCM-SHA384@SECLEVEL=0"),
                    marker + "\n");
            EchoServer.Handshake seen = listener.nextHandshake();
            if (name.startsWith("ok/")) {
                assertThat(result.output())
                        .contains("New, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384")
                        .contains("Shared Requested Signature Algorithms: " + clientSigalgs)
                        .contains(marker);
                assertThat(seen.succeeded()).isTrue();
                assertThat(refusals.drain()).isEmpty();
                return;
            }
            assertThat(seen.succeeded())
                    .as("listener-side handshake; s_client printed:%n%s", result.output())
                    .isFalse();
            assertThat(result.output()).doesNotContain(marker);
            if (provider() == TlsProvider.OPENSSL && clientSigalgs.equals("RSA+SHA1")) {
                assertThat(result.output())
                        .containsPattern("\\nRequested Signature Algorithms: [^\\n]*RSA\\+SHA1")
                        .contains("Shared Requested Signature Algorithms: RSA+SHA1", "alert handshake failure");
                Refusal refusal = refusals.next();
                assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
                assertThat(refusal.message())
                        .startsWith("the client signed its TLS 1.2 CertificateVerify with rsa_pkcs1_sha1, which the"
                                + " TLS policy does not allow");
            } else {
                if (provider() == TlsProvider.JDK) {
                    assertThat(result.output())
                            .contains("Requested Signature Algorithms: ")
                            .doesNotContainPattern("\\nRequested Signature Algorithms: [^\\n]*SHA(1|224)\\b");
                }
                assertThat(result.output()).doesNotContain("Shared Requested Signature Algorithms");
                assertThat(seen.failure())
                        .hasStackTraceContaining(
                                provider() == TlsProvider.OPENSSL
                                        ? "PEER_DID_NOT_RETURN_A_CERTIFICATE"
                                        : "Empty client certificate chain");
            }
        }
        assertThat(refusals.drain()).isEmpty();
    }

    /**
     * An appliance certificate the real issuing CA signed with SHA-1: PKIX accepts it, the policy refuses it. The
     * JDK's TLS 1.3 listener says so already in its certificate request (no SHA-1 in signature_algorithms_cert), so
     * s_client sends no certificate at all there and the handshake fails for want of one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void clientCertificateSignedWithSha1IsRefused(String protocol) {
        TestPki.Issued appliance = pki.weaklySigned(CertificateIdentity.appliance("SN-OPENSSL-SHA1"), "SHA1withRSA");
        assertThat(appliance.certificate().getSigAlgName()).isEqualTo("SHA1withRSA");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result result = OpenSslClient.run(
                    listener.port(),
                    args(appliance, protocol, "-ign_eof", "-cipher", "DEFAULT@SECLEVEL=0"),
                    marker + "\n");

            if (provider() == TlsProvider.JDK && protocol.equals("-tls1_3")) {
                EchoServer.Handshake seen = listener.nextHandshake();
                assertThat(seen.succeeded()).isFalse();
                assertThat(seen.failure()).hasStackTraceContaining("Empty client certificate chain");
                assertThat(result.output()).doesNotContain(marker);
                return;
            }
            Refusal refusal = refusals.next();
            assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
            assertThat(refusal.message()).contains("is signed with SHA1withRSA, which the TLS policy does not allow");
            assertThat(refusal.subject())
                    .isEqualTo(appliance.certificate().getSubjectX500Principal().getName());
            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(result.output()).doesNotContain(marker);
        }
    }

    /**
     * s_client saves the session of a first connection and offers it on a second one, after the appliance's
     * certificate was revoked: the listener resumes the session (s_client prints "Reused") but checks the
     * certificate against the new CRL and drops the connection.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void resumedSessionIsCheckedAgainstTheCurrentCrl(String protocol) {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-RESUMED");
        Path session = dir.resolve("session.pem");
        try (EchoServer listener = applianceListener()) {
            OpenSslClient.Result first = OpenSslClient.run(
                    listener.port(),
                    args(appliance, protocol, "-ign_eof", "-sess_out", session.toString()),
                    marker + "\n");
            assertThat(first.output()).contains(marker);
            assertThat(listener.nextHandshake().succeeded()).isTrue();

            OpenSslClient.Result again = OpenSslClient.run(
                    listener.port(),
                    args(appliance, protocol, "-ign_eof", "-sess_in", session.toString()),
                    marker + "\n");
            assertThat(again.output())
                    .as("resumed while valid")
                    .contains("Reused, ")
                    .contains(marker);
            assertThat(listener.nextHandshake().succeeded()).isTrue();

            pki.revoke(appliance, RevocationReason.KEY_COMPROMISE);
            publishCrl(dir, pki.revocationList());
            OpenSslClient.Result revoked = OpenSslClient.run(
                    listener.port(),
                    args(appliance, protocol, "-ign_eof", "-sess_in", session.toString()),
                    marker + "\n");

            assertThat(revoked.output()).contains("Reused, ");
            assertThat(refusals.next().reason()).isEqualTo(Reason.REVOKED);
            assertThat(listener.nextHandshake().succeeded()).isFalse();
            assertThat(revoked.output())
                    .as("s_client got no application data back")
                    .doesNotContain(marker);
        }
    }

    /**
     * The JDK's listener lets the renegotiation start and its trust manager refuses the second certificate; BoringSSL
     * never renegotiates as a server and ends the connection itself.
     */
    @Test
    void renegotiationIsRefused() {
        TestPki.Issued appliance = pki.appliance("SN-OPENSSL-RENEGOTIATE");
        try (EchoServer listener = applianceListener();
                OpenSslClient client = OpenSslClient.start(listener.port(), args(appliance, "-tls1_2"))) {
            assertThat(listener.nextHandshake().succeeded()).isTrue();

            client.send("R\n");
            if (provider() == TlsProvider.OPENSSL) {
                client.send(marker + "\n");
                client.closeInput();
                OpenSslClient.Result result = client.awaitExit();
                assertThat(result.output()).contains("RENEGOTIATING").doesNotContain(marker);
                assertThat(refusals.drain()).isEmpty();
                return;
            }
            Refusal refusal = refusals.next();
            client.closeInput();
            OpenSslClient.Result result = client.awaitExit();

            assertThat(refusal.reason()).isEqualTo(Reason.INVALID);
            assertThat(refusal.message()).contains("renegotiation is not allowed");
            assertThat(result.output()).contains("RENEGOTIATING");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static TestPki pki() {
        return TestPki.shared();
    }

    private EchoServer applianceListener() {
        Path crl = publishCrl(dir, pki.revocationList());
        return new EchoServer(
                SslContexts.server(
                        keys(server),
                        trust(pki, crl),
                        CertificateRole.APPLIANCE,
                        List.of("secureconnect/1"),
                        refusals,
                        provider()),
                refusals);
    }

    /** s_client arguments presenting {@code client} (none if null), verifying the listener against the test root. */
    private List<String> args(TestPki.Issued client, String... more) {
        List<String> args = new ArrayList<>(List.of("-CAfile", rootFile.toString(), "-verify_return_error"));
        if (client != null) {
            String id = client.certificate().getSerialNumber().toString(16);
            Path cert = write(dir.resolve(id + ".cert.pem"), Pem.certificates(List.of(client.certificate())));
            Path key = write(dir.resolve(id + ".key.pem"), Pem.privateKey(client.privateKey()));
            Path chain = write(
                    dir.resolve(id + ".chain.pem"),
                    Pem.certificates(client.chain().subList(1, client.chain().size())));
            args.addAll(List.of("-cert", cert.toString(), "-key", key.toString(), "-cert_chain", chain.toString()));
        }
        args.addAll(List.of(more));
        return args;
    }
}
