package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.OpenSsl;
import dev.secureconnect.crypto.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SignatureException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateAuthorityTest {

    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int SAN_RFC822 = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    private static TestPki pki;
    private static TestPki.Issued server;
    private static TestPki.Issued appliance;
    private static TestPki.Issued engineer;
    private static TestPki.Issued apiClient;
    private static X509Certificate enrolmentCa;

    /** One profile under test: the certificate, the certificate that signed it and the identity it names. */
    record Profile(
            CertificateRole role, X509Certificate certificate, X509Certificate issuer, CertificateIdentity identity) {}

    @BeforeAll
    static void issueOneOfEachRole() {
        pki = TestPki.shared();
        server = pki.issue(CertificateIdentity.server(
                List.of("support.example.com", "localhost"), List.of("127.0.0.1", "10.1.2.3")));
        appliance = pki.appliance("SN-1234");
        enrolmentCa =
                pki.rootCa().createEnrolmentCa(TestPki.keyPair("enrolment-ca").getPublic(), Duration.ofDays(30));
        engineer = pki.issue(CertificateIdentity.engineer("alice", "Alice Example", "alice@example.com"));
        apiClient = pki.apiClient("splunk-prod");
    }

    static Stream<Arguments> profiles() {
        X509Certificate root = pki.rootCertificate();
        X509Certificate issuing = pki.issuingCertificate();
        return Stream.of(
                profile(new Profile(
                        CertificateRole.ROOT_CA,
                        root,
                        root,
                        CertificateIdentity.rootCa(TestPki.ORGANISATION + " Root CA"))),
                profile(new Profile(
                        CertificateRole.ISSUING_CA,
                        issuing,
                        root,
                        CertificateIdentity.issuingCa(TestPki.ORGANISATION + " Issuing CA"))),
                profile(new Profile(
                        CertificateRole.ENROLMENT_CA,
                        enrolmentCa,
                        root,
                        CertificateIdentity.enrolmentCa(TestPki.ORGANISATION + " Enrolment CA"))),
                profile(new Profile(
                        CertificateRole.SERVER,
                        server.certificate(),
                        issuing,
                        CertificateIdentity.server(
                                List.of("support.example.com", "localhost"), List.of("127.0.0.1", "10.1.2.3")))),
                profile(new Profile(
                        CertificateRole.APPLIANCE,
                        appliance.certificate(),
                        issuing,
                        CertificateIdentity.appliance("SN-1234"))),
                profile(new Profile(
                        CertificateRole.ENGINEER,
                        engineer.certificate(),
                        issuing,
                        CertificateIdentity.engineer("alice", "Alice Example", "alice@example.com"))),
                profile(new Profile(
                        CertificateRole.API_CLIENT,
                        apiClient.certificate(),
                        issuing,
                        CertificateIdentity.apiClient("splunk-prod"))));
    }

    private static Arguments profile(Profile profile) {
        return Arguments.of(Named.of(profile.role().label(), profile));
    }

    // ---- the profile of every role ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void basicConstraintsAreCriticalAndMatchTheRole(Profile p) {
        assertThat(p.certificate().getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS);
        int expected =
                switch (p.role()) {
                    case ROOT_CA -> Integer.MAX_VALUE; // CA, no path length limit
                    case ISSUING_CA, ENROLMENT_CA -> 0; // CA, may only issue leaves
                    default -> -1; // not a CA
                };
        assertThat(p.certificate().getBasicConstraints()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void keyUsageIsCriticalAndMatchesTheRole(Profile p) {
        assertThat(p.certificate().getCriticalExtensionOIDs()).contains(KEY_USAGE);
        boolean[] usage = p.certificate().getKeyUsage();
        // digitalSignature(0) nonRepudiation(1) keyEncipherment(2) dataEncipherment(3) keyAgreement(4)
        // keyCertSign(5) cRLSign(6) encipherOnly(7) decipherOnly(8)
        boolean[] expected = new boolean[9];
        if (p.role().isAuthority()) {
            expected[5] = true;
            expected[6] = true;
        } else {
            expected[0] = true;
        }
        assertThat(java.util.Arrays.copyOf(usage, 9)).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void extendedKeyUsageMatchesTheRole(Profile p) throws Exception {
        List<String> usages = p.certificate().getExtendedKeyUsage();
        switch (p.role()) {
            case ROOT_CA, ISSUING_CA -> assertThat(usages).isNull();
            case SERVER -> assertThat(usages).containsExactly(SERVER_AUTH);
            case APPLIANCE, ENGINEER, API_CLIENT, ENROLMENT_CA ->
                assertThat(usages).containsExactly(CLIENT_AUTH);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void keyIdentifiersArePresentAndTheAuthorityKeyIdentifierIsTheIssuersSubjectKeyIdentifier(Profile p)
            throws Exception {
        byte[] ski = subjectKeyIdentifier(p.certificate());
        byte[] issuerSki = subjectKeyIdentifier(p.issuer());
        byte[] expectedSki = new JcaX509ExtensionUtils()
                .createSubjectKeyIdentifier(p.certificate().getPublicKey())
                .getKeyIdentifier();

        assertThat(ski).isEqualTo(expectedSki);
        assertThat(authorityKeyIdentifier(p.certificate())).isNotNull().isEqualTo(issuerSki);
        if (p.role() != CertificateRole.ROOT_CA) {
            assertThat(ski).isNotEqualTo(issuerSki);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void serialNumberIsPositiveAnd128Bits(Profile p) {
        BigInteger serial = p.certificate().getSerialNumber();
        assertThat(serial.signum()).isEqualTo(1);
        assertThat(serial.bitLength()).isEqualTo(128);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void signatureVerifiesWithTheIssuerKeyAndNoOther(Profile p) {
        assertThat(p.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(p.certificate().getIssuerX500Principal())
                .isEqualTo(p.issuer().getSubjectX500Principal());
        assertThatCode(() -> p.certificate().verify(p.issuer().getPublicKey())).doesNotThrowAnyException();
        KeyPair other = TestPki.keyPair("spare-ca");
        assertThatThrownBy(() -> p.certificate().verify(other.getPublic())).isInstanceOf(SignatureException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void identityRoundTrips(Profile p) {
        assertThat(CertificateIdentity.of(p.certificate())).isEqualTo(p.identity());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void subjectNamesTheRoleAndOrganisation(Profile p) throws Exception {
        X500Name subject = new JcaX509CertificateHolder(p.certificate()).getSubject();
        String cn =
                switch (p.role()) {
                    case ROOT_CA -> "SecureConnect Test Root CA";
                    case ISSUING_CA -> "SecureConnect Test Issuing CA";
                    case ENROLMENT_CA -> "SecureConnect Test Enrolment CA";
                    case SERVER -> "support.example.com";
                    case APPLIANCE -> "SN-1234";
                    case ENGINEER -> "Alice Example";
                    case API_CLIENT -> "splunk-prod";
                };
        List<String> ou =
                switch (p.role()) {
                    case ROOT_CA, ISSUING_CA, ENROLMENT_CA -> List.of();
                    case SERVER -> List.of("Support Servers");
                    case APPLIANCE -> List.of("Appliances");
                    case ENGINEER -> List.of("Support Engineers");
                    case API_CLIENT -> List.of("API Clients");
                };
        assertThat(values(subject, BCStyle.CN)).containsExactly(cn);
        assertThat(values(subject, BCStyle.OU)).isEqualTo(ou);
        assertThat(values(subject, BCStyle.O)).containsExactly("SecureConnect Test");
        assertThat(subject.getRDNs()).hasSize(ou.isEmpty() ? 2 : 3);
    }

    private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        return Stream.of(name.getRDNs(type))
                .map(rdn -> IETFUtils.valueToString(rdn.getFirst().getValue()))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void certificateAuthoritiesCarryNoSubjectAltNames(Profile p) throws Exception {
        if (p.role().isAuthority()) {
            assertThat(p.certificate().getSubjectAlternativeNames()).isNull();
        } else {
            assertThat(p.certificate().getSubjectAlternativeNames()).isNotEmpty();
        }
    }

    // ---- subject alternative names ---------------------------------------------------------------------------

    @Test
    void applianceSanIsExactlyItsUrn() throws Exception {
        assertThat(appliance.certificate().getSubjectAlternativeNames())
                .containsExactly(List.of(SAN_URI, "urn:secureconnect:appliance:SN-1234"));
    }

    @Test
    void engineerSanIsItsUrnAndEmail() throws Exception {
        assertThat(engineer.certificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(
                        List.of(SAN_URI, "urn:secureconnect:engineer:alice"), List.of(SAN_RFC822, "alice@example.com"));
    }

    @Test
    void apiClientSanIsExactlyItsUrn() throws Exception {
        assertThat(apiClient.certificate().getSubjectAlternativeNames())
                .containsExactly(List.of(SAN_URI, "urn:secureconnect:api-client:splunk-prod"));
    }

    @Test
    void serverSanHasItsDnsNamesAndIpAddresses() throws Exception {
        assertThat(server.certificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(
                        List.of(SAN_DNS, "support.example.com"),
                        List.of(SAN_DNS, "localhost"),
                        List.of(SAN_IP, "127.0.0.1"),
                        List.of(SAN_IP, "10.1.2.3"));
    }

    @Test
    void serverWithAnIpv6AddressRoundTrips() throws Exception {
        CertificateIdentity identity = CertificateIdentity.server(List.of(), List.of("::1"));
        X509Certificate certificate = pki.issue(identity).certificate();

        assertThat(certificate.getSubjectAlternativeNames()).hasSize(1);
        assertThat(CertificateIdentity.of(certificate).role()).isEqualTo(CertificateRole.SERVER);
        assertThat(CertificateIdentity.of(certificate).ipAddresses()).hasSize(1);
        assertThat(java.net.InetAddress.getByName(
                        CertificateIdentity.of(certificate).ipAddresses().get(0)))
                .isEqualTo(java.net.InetAddress.getByName("::1"));
    }

    // ---- validity --------------------------------------------------------------------------------------------

    @Test
    void leafIsValidFromFiveMinutesAgoForTheAskedValidity() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateAuthority ca = pki.issuingCa().withClock(Clock.fixed(now, ZoneOffset.UTC));

        X509Certificate certificate = ca.issue(
                CertificateIdentity.appliance("SN-1"),
                TestPki.keyPair("appliance").getPublic(),
                Duration.ofDays(397));

        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(397)));
    }

    @Test
    void validityCannotOutliveTheIssuingCa() {
        Instant caExpiry = pki.issuingCertificate().getNotAfter().toInstant();
        Duration tooLong = Duration.between(Instant.now(), caExpiry).plusDays(1);

        assertThatThrownBy(() -> pki.issuingCa()
                        .issue(
                                CertificateIdentity.appliance("SN-1"),
                                TestPki.keyPair("appliance").getPublic(),
                                tooLong))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("would outlive the issuing-ca certificate")
                .hasMessageContaining("ask for at most");
    }

    @Test
    void validityUpToTheCaExpiryIsAccepted() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant caExpiry = pki.issuingCertificate().getNotAfter().toInstant();
        CertificateAuthority ca = pki.issuingCa().withClock(Clock.fixed(now, ZoneOffset.UTC));

        X509Certificate certificate = ca.issue(
                CertificateIdentity.appliance("SN-1"),
                TestPki.keyPair("appliance").getPublic(),
                Duration.between(now, caExpiry));

        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(caExpiry);
    }

    @Test
    void issuingCaCannotOutliveTheRoot() {
        Duration tooLong = Duration.between(
                        Instant.now(), pki.rootCertificate().getNotAfter().toInstant())
                .plusDays(1);

        assertThatThrownBy(() -> pki.rootCa()
                        .createIssuingCa("Other", TestPki.keyPair("spare-ca").getPublic(), tooLong))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("would outlive the root-ca certificate");
    }

    @Test
    void validityMustBePositive() {
        for (Duration validity : List.of(Duration.ZERO, Duration.ofDays(-1))) {
            assertThatThrownBy(() -> pki.issuingCa()
                            .issue(
                                    CertificateIdentity.appliance("SN-1"),
                                    TestPki.keyPair("appliance").getPublic(),
                                    validity))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining("validity must be positive");
        }
    }

    @Test
    void expiredCaCannotSign() {
        Instant afterExpiry = pki.issuingCertificate().getNotAfter().toInstant().plus(Duration.ofDays(1));
        CertificateAuthority late = pki.issuingCa().withClock(Clock.fixed(afterExpiry, ZoneOffset.UTC));

        assertThatThrownBy(() -> late.issue(
                        CertificateIdentity.appliance("SN-1"),
                        TestPki.keyPair("appliance").getPublic(),
                        Duration.ofDays(1)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("expired on")
                .hasMessageContaining("can no longer sign");
        assertThatThrownBy(() -> late.revocationList(List.of(), BigInteger.ONE, Duration.ofDays(1)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("can no longer sign");
    }

    @Test
    void caBeforeItsValidityCannotSign() {
        Instant beforeStart =
                pki.issuingCertificate().getNotBefore().toInstant().minus(Duration.ofDays(1));
        CertificateAuthority early = pki.issuingCa().withClock(Clock.fixed(beforeStart, ZoneOffset.UTC));

        assertThatThrownBy(() -> early.issue(
                        CertificateIdentity.appliance("SN-1"),
                        TestPki.keyPair("appliance").getPublic(),
                        Duration.ofDays(1)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("is not valid before")
                .hasMessageContaining("check the clock");
    }

    // ---- what a CA refuses to issue --------------------------------------------------------------------------

    @Test
    void refusesASmallSubjectKey() {
        assertThatThrownBy(() -> pki.issuingCa()
                        .issue(
                                CertificateIdentity.appliance("SN-1"),
                                TestPki.weakRsaKeyPair().getPublic(),
                                Duration.ofDays(1)))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the subject's key is RSA 1024 bits: at least 2048 are required");
    }

    @Test
    void refusesASmallRootKey() {
        assertThatThrownBy(() -> CertificateAuthority.createRoot(
                        "Weak", TestPki.weakRsaKeyPair(), Duration.ofDays(1), Clock.systemUTC()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("the root CA key is RSA 1024 bits");
    }

    @Test
    void onlyTheRootIssuesTheIssuingCa() {
        assertThatThrownBy(() -> pki.issuingCa()
                        .createIssuingCa("Sub", TestPki.keyPair("spare-ca").getPublic(), Duration.ofDays(1)))
                .isInstanceOf(CryptoException.class)
                .hasMessage("only the root CA issues the issuing CA");
    }

    @Test
    void neverIssuesARootCa() {
        assertThatThrownBy(() -> pki.rootCa()
                        .issue(
                                CertificateIdentity.rootCa("Other Root CA"),
                                TestPki.keyPair("spare-ca").getPublic(),
                                Duration.ofDays(1)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("use createRoot");
    }

    @Test
    void refusesALeafCertificateAsCa() {
        KeyPair keys = engineer.keyPair();
        assertThatThrownBy(() -> new CertificateAuthority(
                        engineer.certificate(),
                        List.of(),
                        new SoftwareKeySigner(keys.getPrivate(), keys.getPublic()),
                        Clock.systemUTC()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("is not a CA certificate");
    }

    @Test
    void refusesASignerWhoseKeyIsNotTheCas() {
        KeyPair wrong = TestPki.keyPair("root-ca");
        assertThatThrownBy(() -> new CertificateAuthority(
                        pki.issuingCertificate(),
                        List.of(pki.rootCertificate()),
                        new SoftwareKeySigner(wrong.getPrivate(), wrong.getPublic()),
                        Clock.systemUTC()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("the CA key does not belong to the CA certificate");
    }

    // ---- chain and serial numbers ----------------------------------------------------------------------------

    @Test
    void chainRunsFromTheCaToTheRoot() {
        assertThat(pki.issuingCa().chain()).containsExactly(pki.issuingCertificate(), pki.rootCertificate());
        assertThat(pki.issuingCa().root()).isEqualTo(pki.rootCertificate());
        assertThat(pki.rootCa().chain()).containsExactly(pki.rootCertificate());
        assertThat(pki.rootCa().root()).isEqualTo(pki.rootCertificate());
    }

    @Test
    void randomSerialsAre128BitsPositiveAndDistinct() {
        Set<BigInteger> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            BigInteger serial = CertificateAuthority.randomSerial();
            assertThat(serial.signum()).isEqualTo(1);
            assertThat(serial.bitLength()).isEqualTo(128);
            assertThat(serial.toByteArray()).hasSizeLessThanOrEqualTo(20);
            seen.add(serial);
        }
        assertThat(seen).hasSize(2000);
    }

    @Test
    void twoCertificatesForTheSameIdentityHaveDifferentSerials() {
        assertThat(pki.appliance("SN-1234").serialNumber()).isNotEqualTo(appliance.serialNumber());
    }

    // ---- revocation lists ------------------------------------------------------------------------------------

    @Test
    void revocationListNamesTheRevokedSerialsAndIsSignedByTheIssuingCa() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant revokedAt = now.minus(Duration.ofHours(1));
        CertificateAuthority ca = pki.issuingCa().withClock(Clock.fixed(now, ZoneOffset.UTC));

        X509CRL crl = ca.revocationList(
                List.of(
                        new RevokedCertificate(engineer.serialNumber(), revokedAt, RevocationReason.KEY_COMPROMISE),
                        new RevokedCertificate(
                                appliance.serialNumber(), revokedAt, RevocationReason.CESSATION_OF_OPERATION)),
                BigInteger.valueOf(42),
                Duration.ofDays(7));

        assertThatCode(() -> crl.verify(pki.issuingCertificate().getPublicKey()))
                .doesNotThrowAnyException();
        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal())
                .isEqualTo(pki.issuingCertificate().getSubjectX500Principal());
        assertThat(crl.getThisUpdate().toInstant()).isEqualTo(now);
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(now.plus(Duration.ofDays(7)));
        assertThat(crl.isRevoked(engineer.certificate())).isTrue();
        assertThat(crl.isRevoked(appliance.certificate())).isTrue();
        assertThat(crl.isRevoked(server.certificate())).isFalse();

        X509CRLEntry entry = crl.getRevokedCertificate(engineer.serialNumber());
        assertThat(entry.getRevocationDate().toInstant()).isEqualTo(revokedAt);
        assertThat(entry.getRevocationReason()).isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
        assertThat(crl.getRevokedCertificate(appliance.serialNumber()).getRevocationReason())
                .isEqualTo(java.security.cert.CRLReason.CESSATION_OF_OPERATION);

        byte[] number = crl.getExtensionValue(Extension.cRLNumber.getId());
        assertThat(ASN1Integer.getInstance(ASN1OctetString.getInstance(number).getOctets())
                        .getValue())
                .isEqualTo(BigInteger.valueOf(42));
        byte[] aki = crl.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        assertThat(AuthorityKeyIdentifier.getInstance(
                                ASN1OctetString.getInstance(aki).getOctets())
                        .getKeyIdentifierOctets())
                .isEqualTo(subjectKeyIdentifier(pki.issuingCertificate()));
    }

    @Test
    void revocationReasonCodesAreThoseOfRfc5280() {
        assertThat(RevocationReason.KEY_COMPROMISE.code())
                .isEqualTo(CRLReason.keyCompromise)
                .isEqualTo(1);
        assertThat(RevocationReason.PRIVILEGE_WITHDRAWN.code()).isEqualTo(9);
        assertThat(RevocationReason.fromLabel(" keycompromise ")).isEqualTo(RevocationReason.KEY_COMPROMISE);
        assertThatThrownBy(() -> RevocationReason.fromLabel("removeFromCRL"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown revocation reason 'removeFromCRL'");
    }

    // ---- a real peer -----------------------------------------------------------------------------------------

    @Test
    void opensslVerifiesEachLeafForItsPurposeAndSeesRevocation(@TempDir Path dir) throws Exception {
        Path root = write(dir.resolve("root.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Path issuing = write(dir.resolve("issuing.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        Path serverPem = write(dir.resolve("server.pem"), Pem.certificates(List.of(server.certificate())));
        Path engineerPem = write(dir.resolve("engineer.pem"), Pem.certificates(List.of(engineer.certificate())));
        Path appliancePem = write(dir.resolve("appliance.pem"), Pem.certificates(List.of(appliance.certificate())));

        for (String[] leaf : new String[][] {
            {serverPem.toString(), "sslserver"},
            {engineerPem.toString(), "sslclient"},
            {appliancePem.toString(), "sslclient"}
        }) {
            assertThat(OpenSsl.run(
                            "verify",
                            "-x509_strict",
                            "-purpose",
                            leaf[1],
                            "-CAfile",
                            root.toString(),
                            "-untrusted",
                            issuing.toString(),
                            leaf[0]))
                    .contains(": OK");
        }
        OpenSsl.Result wrongPurpose = OpenSsl.tryRun(
                "verify",
                "-purpose",
                "sslserver",
                "-CAfile",
                root.toString(),
                "-untrusted",
                issuing.toString(),
                engineerPem.toString());
        assertThat(wrongPurpose.exitCode()).isNotZero();
        assertThat(wrongPurpose.output()).contains("unsuitable certificate purpose");

        TestPki.Issued revoked = pki.revoked(TestPki.engineerIdentity("mallory"));
        Path revokedPem = write(dir.resolve("revoked.pem"), Pem.certificates(List.of(revoked.certificate())));
        Path crl = write(dir.resolve("crl.pem"), Pem.crl(pki.revocationList()));
        assertThat(OpenSsl.run(
                        "verify",
                        "-crl_check",
                        "-CRLfile",
                        crl.toString(),
                        "-CAfile",
                        root.toString(),
                        "-untrusted",
                        issuing.toString(),
                        engineerPem.toString()))
                .contains(": OK");
        OpenSsl.Result refused = OpenSsl.tryRun(
                "verify",
                "-crl_check",
                "-CRLfile",
                crl.toString(),
                "-CAfile",
                root.toString(),
                "-untrusted",
                issuing.toString(),
                revokedPem.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("certificate revoked");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static byte[] subjectKeyIdentifier(X509Certificate certificate) throws Exception {
        SubjectKeyIdentifier ski =
                SubjectKeyIdentifier.fromExtensions(new JcaX509CertificateHolder(certificate).getExtensions());
        assertThat(ski)
                .as("subject key identifier of %s", certificate.getSubjectX500Principal())
                .isNotNull();
        return ski.getKeyIdentifier();
    }

    static byte[] authorityKeyIdentifier(X509Certificate certificate) throws Exception {
        AuthorityKeyIdentifier aki =
                AuthorityKeyIdentifier.fromExtensions(new JcaX509CertificateHolder(certificate).getExtensions());
        return aki == null ? null : aki.getKeyIdentifierOctets();
    }

    private static Path write(Path file, String text) throws Exception {
        return Files.writeString(file, text);
    }
}
