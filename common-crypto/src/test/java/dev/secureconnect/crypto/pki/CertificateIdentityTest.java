package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.TestPki;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateIdentityTest {

    private static final String LONG_64 = "a".repeat(64);
    private static final String LONG_65 = "a".repeat(65);

    // ---- the factories ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "ok/appliance-serial {0}")
    @CsvSource({"SN-1234", "a", "A.b_c-9", "0123456789"})
    void applianceSerialsOfTheAllowedCharactersAreAccepted(String serial) {
        CertificateIdentity identity = CertificateIdentity.appliance(serial);
        assertThat(identity.role()).isEqualTo(CertificateRole.APPLIANCE);
        assertThat(identity.id()).isEqualTo(serial);
        assertThat(identity.uri()).isEqualTo("urn:secureconnect:appliance:" + serial);
        assertThat(identity.describe()).isEqualTo("appliance " + serial);
    }

    @Test
    void longestIdIsAccepted() {
        assertThat(CertificateIdentity.appliance(LONG_64).id()).isEqualTo(LONG_64);
    }

    @Test
    void engineerIdentityCarriesLoginNameAndEmail() {
        CertificateIdentity identity =
                CertificateIdentity.engineer("alice.b", "  Alice Bé  ", "alice+sc@support.example.com");
        assertThat(identity.role()).isEqualTo(CertificateRole.ENGINEER);
        assertThat(identity.id()).isEqualTo("alice.b");
        assertThat(identity.name()).isEqualTo("Alice Bé");
        assertThat(identity.email()).isEqualTo("alice+sc@support.example.com");
        assertThat(identity.uri()).isEqualTo("urn:secureconnect:engineer:alice.b");
        assertThat(identity.describe()).isEqualTo("engineer alice.b (Alice Bé <alice+sc@support.example.com>)");
    }

    @ParameterizedTest(name = "ok/api-client-name {0}")
    @CsvSource({"splunk-prod", "elastic_siem.eu-1", "Q"})
    void apiClientIsNamedByItsName(String name) {
        CertificateIdentity identity = CertificateIdentity.apiClient(name);
        assertThat(identity.role()).isEqualTo(CertificateRole.API_CLIENT);
        assertThat(identity.id()).isEqualTo(name);
        assertThat(identity.name()).isEqualTo(name);
        assertThat(identity.email()).isEmpty();
        assertThat(identity.uri()).isEqualTo("urn:secureconnect:api-client:" + name);
        assertThat(identity.describe()).isEqualTo("api-client " + name);
    }

    @Test
    void serverIdentityIsNamedByItsFirstDnsNameOrElseItsFirstAddress() {
        CertificateIdentity named = CertificateIdentity.server(List.of("*.example.com", "example.com"), List.of("::1"));
        assertThat(named.id()).isEqualTo("*.example.com");
        assertThat(named.uri()).isEmpty();
        assertThat(named.describe()).isEqualTo("server *.example.com,example.com,::1");

        assertThat(CertificateIdentity.server(List.of(), List.of("192.0.2.7")).id())
                .isEqualTo("192.0.2.7");
    }

    static Stream<Arguments> refusedNames() {
        return Stream.of(
                refused(
                        "fail/serial-with-space",
                        () -> CertificateIdentity.appliance("SN 1"),
                        "appliance serial 'SN 1' is not valid"),
                refused("fail/serial-with-slash", () -> CertificateIdentity.appliance("SN/1"), "appliance serial"),
                refused(
                        "fail/serial-with-colon",
                        () -> CertificateIdentity.appliance("SN:engineer:bob"),
                        "appliance serial"),
                refused("fail/serial-non-ascii", () -> CertificateIdentity.appliance("SNé1"), "appliance serial"),
                refused(
                        "fail/serial-empty",
                        () -> CertificateIdentity.appliance(""),
                        "appliance serial '' is not valid"),
                refused("fail/serial-null", () -> CertificateIdentity.appliance(null), "appliance serial"),
                refused("fail/serial-65-chars", () -> CertificateIdentity.appliance(LONG_65), "use 1 to 64 characters"),
                refused(
                        "fail/serial-newline",
                        () -> CertificateIdentity.appliance("SN1\nX"),
                        "appliance serial 'SN1?X'"),
                refused(
                        "fail/login-with-at",
                        () -> engineer("bob@corp", "bob@example.com"),
                        "engineer login 'bob@corp' is not valid"),
                refused("fail/login-with-space", () -> engineer("bob smith", "bob@example.com"), "engineer login"),
                refused("fail/login-empty", () -> engineer("", "bob@example.com"), "engineer login"),
                refused(
                        "fail/api-client-name-with-space",
                        () -> CertificateIdentity.apiClient("splunk prod"),
                        "API client name 'splunk prod' is not valid"),
                refused(
                        "fail/api-client-name-with-colon",
                        () -> CertificateIdentity.apiClient("x:engineer:bob"),
                        "API client name"),
                refused(
                        "fail/api-client-name-with-slash",
                        () -> CertificateIdentity.apiClient("../splunk"),
                        "API client name"),
                refused(
                        "fail/api-client-name-empty",
                        () -> CertificateIdentity.apiClient(""),
                        "API client name '' is not valid"),
                refused(
                        "fail/api-client-name-65-chars",
                        () -> CertificateIdentity.apiClient(LONG_65),
                        "use 1 to 64 characters"),
                refused(
                        "fail/email-no-at",
                        () -> engineer("bob", "bob.example.com"),
                        "e-mail address 'bob.example.com' is not valid"),
                refused("fail/email-no-domain", () -> engineer("bob", "bob@"), "e-mail address"),
                refused("fail/email-no-local-part", () -> engineer("bob", "@example.com"), "e-mail address"),
                refused("fail/email-single-label-domain", () -> engineer("bob", "bob@localhost"), "e-mail address"),
                refused("fail/email-with-space", () -> engineer("bob", "bob smith@example.com"), "e-mail address"),
                refused("fail/email-two-ats", () -> engineer("bob", "bob@x@example.com"), "e-mail address"),
                refused("fail/email-empty-label", () -> engineer("bob", "bob@example..com"), "e-mail address"),
                refused(
                        "fail/engineer-name-blank",
                        () -> CertificateIdentity.engineer("bob", "  ", "bob@example.com"),
                        "engineer name must be 1 to 128 printable characters"),
                refused(
                        "fail/engineer-name-control",
                        () -> CertificateIdentity.engineer("bob", "Bob\u0000", "bob@example.com"),
                        "engineer name"),
                refused(
                        "fail/dns-leading-hyphen",
                        () -> dns("-bad.example.com"),
                        "DNS name '-bad.example.com' is not valid"),
                refused("fail/dns-trailing-hyphen", () -> dns("bad-.example.com"), "DNS name"),
                refused("fail/dns-underscore", () -> dns("a_b.example.com"), "DNS name"),
                refused("fail/dns-space", () -> dns("exa mple.com"), "DNS name"),
                refused("fail/dns-empty-label", () -> dns("example..com"), "DNS name"),
                refused("fail/dns-trailing-dot", () -> dns("example.com."), "DNS name"),
                refused("fail/dns-empty", () -> dns(""), "DNS name"),
                refused("fail/dns-label-64", () -> dns(LONG_64 + ".example.com"), "DNS name"),
                refused("fail/dns-inner-wildcard", () -> dns("a.*.example.com"), "DNS name"),
                refused("fail/dns-url", () -> dns("https://example.com"), "DNS name"),
                refused("fail/ip-octet-256", () -> ip("256.1.1.1"), "IP address '256.1.1.1' is not valid"),
                refused("fail/ip-three-octets", () -> ip("10.1.2"), "IP address"),
                refused("fail/ip-hostname", () -> ip("localhost"), "IP address"),
                refused("fail/ip-bad-ipv6", () -> ip("::g"), "IP address"),
                refused("fail/ip-with-port", () -> ip("10.0.0.1:443"), "IP address"),
                refused("fail/ip-empty", () -> ip(""), "IP address"),
                refused(
                        "fail/server-without-names",
                        () -> CertificateIdentity.server(List.of(), List.of()),
                        "a server certificate needs at least one DNS name or IP address"),
                refused("fail/ca-name-blank", () -> CertificateIdentity.rootCa(" "), "CA name must be 1 to 128"),
                refused("fail/ca-name-129-chars", () -> CertificateIdentity.issuingCa("x".repeat(129)), "CA name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedNames")
    void factoriesRefuseInvalidNames(String name, ThrowingCallable factory, String message) {
        assertThatThrownBy(factory).isInstanceOf(CryptoException.class).hasMessageContaining(message);
    }

    @Test
    void longValuesAreCutInMessages() {
        assertThatThrownBy(() -> CertificateIdentity.appliance("x".repeat(500)))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("x".repeat(80) + "…'")
                .hasMessageNotContaining("x".repeat(81));
    }

    // ---- reading an identity back from a certificate ---------------------------------------------------------

    @Test
    void handMadeApplianceCertificateIsRead() throws Exception {
        X509Certificate certificate =
                handMade("SN-9", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:appliance:SN-9"));
        assertThat(CertificateIdentity.of(certificate)).isEqualTo(CertificateIdentity.appliance("SN-9"));
    }

    @Test
    void handMadeApiClientCertificateIsRead() throws Exception {
        X509Certificate certificate =
                handMade("splunk-prod", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:api-client:splunk-prod"));
        assertThat(CertificateIdentity.of(certificate)).isEqualTo(CertificateIdentity.apiClient("splunk-prod"));
    }

    @Test
    void apiClientWithoutCommonNameIsNamedByItsUrn() throws Exception {
        X509Certificate certificate =
                handMade(null, KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:api-client:splunk-prod"));
        assertThat(CertificateIdentity.of(certificate)).isEqualTo(CertificateIdentity.apiClient("splunk-prod"));
    }

    @Test
    void engineerWithoutCommonNameIsNamedByLogin() throws Exception {
        X509Certificate certificate = handMade(
                null, KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:engineer:bob"), email("bob@example.com"));
        assertThat(CertificateIdentity.of(certificate))
                .isEqualTo(CertificateIdentity.engineer("bob", "bob", "bob@example.com"));
    }

    static Stream<Arguments> contradictoryCertificates() throws Exception {
        return Stream.of(
                Arguments.of(
                        "fail/appliance-with-serverAuth",
                        handMade("SN-9", KeyPurposeId.id_kp_serverAuth, uri("urn:secureconnect:appliance:SN-9")),
                        "lacks the clientAuth extended key usage"),
                Arguments.of(
                        "fail/engineer-without-eku",
                        handMade("Bob", null, uri("urn:secureconnect:engineer:bob"), email("bob@example.com")),
                        "lacks the clientAuth extended key usage"),
                Arguments.of(
                        "fail/api-client-with-serverAuth",
                        handMade(
                                "splunk-prod",
                                KeyPurposeId.id_kp_serverAuth,
                                uri("urn:secureconnect:api-client:splunk-prod")),
                        "certificate for api-client splunk-prod lacks the clientAuth extended key usage"),
                Arguments.of(
                        "fail/api-client-without-eku",
                        handMade("splunk-prod", null, uri("urn:secureconnect:api-client:splunk-prod")),
                        "lacks the clientAuth extended key usage"),
                Arguments.of(
                        "fail/api-client-cn-differs-from-name",
                        handMade(
                                "Splunk Prod",
                                KeyPurposeId.id_kp_clientAuth,
                                uri("urn:secureconnect:api-client:splunk-prod")),
                        "subject CN=Splunk Prod does not match SAN urn:secureconnect:api-client:splunk-prod: an API"
                                + " client's CN must be its name"),
                Arguments.of(
                        "fail/api-client-and-engineer",
                        handMade(
                                "bob",
                                KeyPurposeId.id_kp_clientAuth,
                                uri("urn:secureconnect:api-client:bob"),
                                uri("urn:secureconnect:engineer:bob"),
                                email("bob@example.com")),
                        "names more than one SecureConnect identity"),
                Arguments.of(
                        "fail/api-client-name-with-bad-characters",
                        handMade("x", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:api-client:a b")),
                        "api-client id in SAN URI 'a b' is not valid"),
                Arguments.of(
                        "fail/server-with-clientAuth",
                        handMade("example.com", KeyPurposeId.id_kp_clientAuth, dnsName("example.com")),
                        "lacks the serverAuth extended key usage"),
                Arguments.of(
                        "fail/appliance-cn-differs-from-serial",
                        handMade("SN-OTHER", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:appliance:SN-9")),
                        "subject CN=SN-OTHER does not match SAN urn:secureconnect:appliance:SN-9"),
                Arguments.of(
                        "fail/two-identities",
                        handMade(
                                "SN-9",
                                KeyPurposeId.id_kp_clientAuth,
                                uri("urn:secureconnect:appliance:SN-9"),
                                uri("urn:secureconnect:engineer:bob"),
                                email("bob@example.com")),
                        "names more than one SecureConnect identity"),
                Arguments.of(
                        "fail/engineer-without-email",
                        handMade("Bob", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:engineer:bob")),
                        "has no e-mail address in its SAN"),
                Arguments.of(
                        "fail/no-identity",
                        handMade("Someone", KeyPurposeId.id_kp_clientAuth, email("someone@example.com")),
                        "carries no SecureConnect identity"),
                Arguments.of(
                        "fail/no-san",
                        handMade("Someone", KeyPurposeId.id_kp_clientAuth),
                        "carries no SecureConnect identity"),
                Arguments.of(
                        "fail/unknown-urn-role",
                        handMade("x", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:admin:x")),
                        "is not a SecureConnect identity"),
                Arguments.of(
                        "fail/urn-without-id",
                        handMade("x", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:appliance")),
                        "is not a SecureConnect identity"),
                Arguments.of(
                        "fail/urn-id-with-bad-characters",
                        handMade("x", KeyPurposeId.id_kp_clientAuth, uri("urn:secureconnect:appliance:a/b")),
                        "appliance id in SAN URI 'a/b' is not valid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contradictoryCertificates")
    void certificatesWhoseFieldsContradictEachOtherAreRefused(
            String name, X509Certificate certificate, String message) {
        assertThatThrownBy(() -> CertificateIdentity.of(certificate))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining(message);
    }

    @Test
    void otherUrisBesideTheIdentityAreIgnored() throws Exception {
        X509Certificate certificate = handMade(
                "SN-9",
                KeyPurposeId.id_kp_clientAuth,
                uri("https://example.com/device"),
                uri("urn:secureconnect:appliance:SN-9"));
        assertThat(CertificateIdentity.of(certificate)).isEqualTo(CertificateIdentity.appliance("SN-9"));
    }

    // ---- roles -----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "root-ca, ROOT_CA",
        "issuing-ca, ISSUING_CA",
        "enrolment-ca, ENROLMENT_CA",
        "server, SERVER",
        "' Appliance ', APPLIANCE",
        "ENGINEER, ENGINEER",
        "api-client, API_CLIENT",
        "API-Client, API_CLIENT"
    })
    void roleLabelsAreRead(String label, CertificateRole role) {
        assertThat(CertificateRole.fromLabel(label)).isEqualTo(role);
        assertThat(CertificateRole.fromLabel(role.label())).isEqualTo(role);
        assertThat(role.toString()).isEqualTo(role.label());
    }

    @Test
    void unknownRoleIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> CertificateRole.fromLabel("admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown role 'admin' (expected one of: root-ca, issuing-ca, enrolment-ca, server, appliance, engineer, api-client)");
    }

    @Test
    void leafRolesOtherThanServerAreNamedByUrn() {
        assertThat(Stream.of(CertificateRole.values()).filter(CertificateRole::isNamedByUrn))
                .containsExactly(CertificateRole.APPLIANCE, CertificateRole.ENGINEER, CertificateRole.API_CLIENT);
    }

    @Test
    void onlyCaRolesAreAuthorities() {
        assertThat(Stream.of(CertificateRole.values()).filter(CertificateRole::isAuthority))
                .containsExactly(CertificateRole.ROOT_CA, CertificateRole.ISSUING_CA, CertificateRole.ENROLMENT_CA);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Arguments refused(String name, ThrowingCallable factory, String message) {
        return Arguments.of(name, factory, message);
    }

    private static CertificateIdentity engineer(String login, String email) {
        return CertificateIdentity.engineer(login, "Bob Example", email);
    }

    private static CertificateIdentity dns(String name) {
        return CertificateIdentity.server(List.of(name), List.of());
    }

    private static CertificateIdentity ip(String address) {
        return CertificateIdentity.server(List.of(), List.of(address));
    }

    private static GeneralName uri(String uri) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
    }

    private static GeneralName email(String email) {
        return new GeneralName(GeneralName.rfc822Name, email);
    }

    private static GeneralName dnsName(String name) {
        return new GeneralName(GeneralName.dNSName, name);
    }

    /**
     * A self-issued leaf certificate with the given subject CN, extended key usage and SAN, made without the CA's
     * profiles: the certificates a CA of SecureConnect would never issue.
     */
    static X509Certificate handMade(String commonName, KeyPurposeId purpose, GeneralName... names) throws Exception {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        if (commonName != null) {
            builder.addRDN(BCStyle.CN, commonName);
        }
        builder.addRDN(BCStyle.O, "Hand Made");
        X500Name subject = builder.build();
        KeyPair keys = TestPki.keyPair("appliance");
        Instant now = Instant.now();
        X509v3CertificateBuilder certificate = new JcaX509v3CertificateBuilder(
                subject,
                BigInteger.TEN,
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
        certificate.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (purpose != null) {
            certificate.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (names.length > 0) {
            certificate.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(
                        certificate.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }
}
