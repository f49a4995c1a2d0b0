package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.testing.TestPki;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateChainValidatorTest {

    private static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.shared();
    }

    static Stream<Arguments> acceptedChains() {
        return Stream.of(
                accepted("ok/engineer-full-chain", () -> pki.engineer("val-alice")
                        .chain()),
                accepted("ok/appliance-full-chain", () -> pki.appliance("SN-VAL-1")
                        .chain()),
                accepted("ok/server-full-chain", () -> pki.server().chain()),
                accepted(
                        "ok/leaf-and-issuing-ca",
                        () -> pki.engineer("val-alice").chain().subList(0, 2)),
                accepted(
                        "ok/leaf-only-issuing-ca-known-to-validator",
                        () -> List.of(pki.engineer("val-alice").certificate())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedChains")
    void validChainIsAccepted(String name, Supplier<List<X509Certificate>> chain) {
        List<X509Certificate> certificates = chain.get();
        assertThatCode(() -> pki.validator().validate(certificates, Instant.now()))
                .doesNotThrowAnyException();
    }

    /**
     * A refused chain: {@code certificate} makes the leaf and its chain, then {@code validator} builds the
     * validator (after the leaf, so that a revocation is on its CRL).
     */
    record Refusal(
            Supplier<List<X509Certificate>> chain,
            Function<TestPki, CertificateChainValidator> validator,
            Reason reason) {}

    static Stream<Arguments> refusedChains() {
        Function<TestPki, CertificateChainValidator> current = TestPki::validator;
        return Stream.of(
                refused(
                        "fail/revoked",
                        () -> pki.revoked(TestPki.engineerIdentity("val-mallory"))
                                .chain(),
                        current,
                        Reason.REVOKED),
                refused(
                        "fail/revoked-leaf-only",
                        () -> List.of(pki.revoked(CertificateIdentity.appliance("SN-VAL-REVOKED"))
                                .certificate()),
                        current,
                        Reason.REVOKED),
                refused(
                        "fail/expired",
                        () -> pki.expired(TestPki.engineerIdentity("val-old")).chain(),
                        current,
                        Reason.EXPIRED),
                refused(
                        "fail/not-yet-valid",
                        () -> pki.notYetValid(TestPki.engineerIdentity("val-early"))
                                .chain(),
                        current,
                        Reason.NOT_YET_VALID),
                refused(
                        "fail/untrusted-ca",
                        () -> pki.untrusted(TestPki.engineerIdentity("val-rogue"))
                                .chain(),
                        current,
                        Reason.UNKNOWN_CA),
                refused(
                        "fail/untrusted-ca-leaf-only",
                        () -> List.of(pki.untrusted(CertificateIdentity.appliance("SN-ROGUE"))
                                .certificate()),
                        current,
                        Reason.UNKNOWN_CA),
                refused(
                        "fail/stale-crl",
                        () -> pki.engineer("val-alice").chain(),
                        p -> p.validator(List.of(p.staleRevocationList())),
                        Reason.REVOCATION_STATUS_UNKNOWN),
                refused(
                        "fail/missing-crl",
                        () -> pki.engineer("val-alice").chain(),
                        p -> p.validator(List.of()),
                        Reason.REVOCATION_STATUS_UNKNOWN),
                refused(
                        "fail/crl-of-another-ca",
                        () -> pki.engineer("val-alice").chain(),
                        p -> p.validator(List.of(rogueCrl())),
                        Reason.REVOCATION_STATUS_UNKNOWN),
                refused(
                        "fail/issuing-ca-unknown-leaf-only",
                        () -> List.of(pki.engineer("val-alice").certificate()),
                        p -> new CertificateChainValidator(
                                List.of(p.rootCertificate()), List.of(), List.of(p.revocationList())),
                        Reason.UNKNOWN_CA),
                refused(
                        "fail/impostor-root",
                        CertificateChainValidatorTest::impostorChain,
                        current,
                        Reason.UNKNOWN_CA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedChains")
    void invalidChainIsRefusedWithItsReason(String name, Refusal refusal) {
        List<X509Certificate> chain = refusal.chain().get();
        CertificateChainValidator validator = refusal.validator().apply(pki);

        assertThatThrownBy(() -> validator.validate(chain, Instant.now()))
                .isInstanceOfSatisfying(CertificateRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(refusal.reason());
                    assertThat(e.getMessage())
                            .startsWith("certificate "
                                    + chain.get(0).getSubjectX500Principal().getName() + " refused ("
                                    + refusal.reason().label() + ")");
                });
    }

    @Test
    void revokedCertificateWasValidBeforeItsRevocationWasKnown() {
        X509CRL before = pki.revocationList();
        TestPki.Issued revoked = pki.revoked(TestPki.engineerIdentity("val-later-revoked"));

        assertThatCode(() -> pki.validator(List.of(before)).validate(revoked.chain(), Instant.now()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> pki.validator().validate(revoked.chain(), Instant.now()))
                .isInstanceOfSatisfying(CertificateRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.REVOKED));
    }

    @Test
    void validationHappensAtTheGivenTime() {
        TestPki.Issued engineer = pki.engineer("val-time");
        CertificateChainValidator validator = pki.validator();
        Instant afterExpiry = engineer.certificate().getNotAfter().toInstant().plusSeconds(1);
        Instant beforeStart = engineer.certificate().getNotBefore().toInstant().minusSeconds(1);

        assertThatThrownBy(() -> validator.validate(engineer.chain(), afterExpiry))
                .isInstanceOfSatisfying(CertificateRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.EXPIRED));
        assertThatThrownBy(() -> validator.validate(engineer.chain(), beforeStart))
                .isInstanceOfSatisfying(CertificateRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_YET_VALID));
    }

    @Test
    void emptyChainIsInvalid() {
        assertThatThrownBy(() -> pki.validator().validate(List.of(), Instant.now()))
                .isInstanceOfSatisfying(CertificateRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID);
                    assertThat(e.getMessage()).isEqualTo("no certificate given");
                });
    }

    @Test
    void validatorNeedsATrustedRoot() {
        assertThatThrownBy(() -> new CertificateChainValidator(List.of(), List.of(), List.of()))
                .isInstanceOf(CryptoException.class)
                .hasMessage("no trusted root CA certificate given");
    }

    @Test
    void reasonLabelsAreStable() {
        assertThat(Stream.of(Reason.values()).map(Reason::label))
                .containsExactly(
                        "revoked",
                        "expired",
                        "not-yet-valid",
                        "unknown-ca",
                        "revocation-status-unknown",
                        "wrong-role",
                        "invalid");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Arguments accepted(String name, Supplier<List<X509Certificate>> chain) {
        return Arguments.of(name, chain);
    }

    private static Arguments refused(
            String name,
            Supplier<List<X509Certificate>> chain,
            Function<TestPki, CertificateChainValidator> validator,
            Reason reason) {
        return Arguments.of(name, new Refusal(chain, validator, reason));
    }

    /** A CRL signed by the untrusted CA: it says nothing about this PKI's certificates. */
    private static X509CRL rogueCrl() {
        return pki.untrustedCa().revocationList(List.of(), java.math.BigInteger.ONE, Duration.ofDays(1));
    }

    /**
     * A chain under a root that has the trusted root's very name but another key: a validator that matched
     * names only would take the trusted root for its anchor.
     */
    private static List<X509Certificate> impostorChain() {
        CertificateAuthority impostor = CertificateAuthority.createRoot(
                TestPki.ORGANISATION, TestPki.keyPair("impostor-root-ca"), Duration.ofDays(30), Clock.systemUTC());
        assertThat(impostor.certificate().getSubjectX500Principal())
                .isEqualTo(pki.rootCertificate().getSubjectX500Principal());
        X509Certificate leaf = impostor.issue(
                TestPki.engineerIdentity("val-impostor"),
                TestPki.keyPair("engineer").getPublic(),
                Duration.ofDays(1));
        return List.of(leaf, impostor.certificate());
    }
}
