package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateSigningRequestTest {

    private static final CertificateIdentity SERVER =
            CertificateIdentity.server(List.of("support.example.com"), List.of("192.0.2.10"));
    private static final CertificateIdentity APPLIANCE = CertificateIdentity.appliance("SN-1234");
    private static final CertificateIdentity ENGINEER =
            CertificateIdentity.engineer("alice", "Alice Example", "alice@example.com");
    private static final CertificateIdentity API_CLIENT = CertificateIdentity.apiClient("splunk-prod");

    static Stream<Arguments> leafIdentities() {
        return Stream.of(
                Arguments.of(Named.of("server", SERVER)),
                Arguments.of(Named.of("appliance", APPLIANCE)),
                Arguments.of(Named.of("engineer", ENGINEER)),
                Arguments.of(Named.of("api-client", API_CLIENT)));
    }

    @ParameterizedTest(name = "ok/{0}")
    @MethodSource("leafIdentities")
    void identityRoundTripsThroughARequest(CertificateIdentity identity) {
        KeyPair keys = TestPki.keyPair(identity.role().label());

        CertificateSigningRequest csr = CertificateSigningRequest.create(identity, keys);

        assertThat(csr.identityFor(identity.role())).isEqualTo(identity);
        assertThat(csr.publicKey()).isEqualTo(keys.getPublic());
    }

    @ParameterizedTest(name = "ok/{0}")
    @MethodSource("leafIdentities")
    void theCaIssuesWhatTheRequestAskedFor(CertificateIdentity identity) {
        TestPki pki = TestPki.shared();
        CertificateSigningRequest csr = CertificateSigningRequest.create(
                identity, TestPki.keyPair(identity.role().label()));

        var certificate = pki.issuingCa().issue(csr.identityFor(identity.role()), csr.publicKey(), Duration.ofDays(1));

        assertThat(CertificateIdentity.of(certificate)).isEqualTo(identity);
        assertThat(certificate.getPublicKey()).isEqualTo(csr.publicKey());
    }

    @ParameterizedTest(name = "fail/{0}")
    @EnumSource(names = {"ROOT_CA", "ISSUING_CA"})
    void caRequestsAreNeitherMadeNorSigned(CertificateRole role) {
        CertificateIdentity ca = role == CertificateRole.ROOT_CA
                ? CertificateIdentity.rootCa("X Root CA")
                : CertificateIdentity.issuingCa("X Issuing CA");
        assertThatThrownBy(() -> CertificateSigningRequest.create(ca, TestPki.keyPair("appliance")))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("CA certificates are made by 'sc-pki init'");

        CertificateSigningRequest csr = CertificateSigningRequest.create(APPLIANCE, TestPki.keyPair("appliance"));
        assertThatThrownBy(() -> csr.identityFor(role))
                .isInstanceOf(CryptoException.class)
                .hasMessage("a CSR cannot be signed as a " + role.label()
                        + ": use server, appliance, engineer or api-client");
    }

    // ---- altered requests ------------------------------------------------------------------------------------

    @Test
    void requestWithAnAlteredSubjectIsRefused() throws Exception {
        byte[] encoded = CertificateSigningRequest.create(APPLIANCE, TestPki.keyPair("appliance"))
                .request()
                .getEncoded();
        // the subject CN comes before the SAN: change the first "SN-1234" into "SN-9234"
        int at = indexOf(encoded, "SN-1234".getBytes(StandardCharsets.US_ASCII));
        assertThat(at).isPositive();
        encoded[at + 3] = '9';
        CertificateSigningRequest altered = new CertificateSigningRequest(new PKCS10CertificationRequest(encoded));

        assertThat(CertificateIdentity.commonName(altered.request().getSubject()))
                .isEqualTo("SN-9234");
        assertThatThrownBy(() -> altered.identityFor(CertificateRole.APPLIANCE))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the CSR's signature is not valid: it was altered or not signed by its own key");
    }

    @Test
    void requestWithAnAlteredSignatureIsRefused() throws Exception {
        byte[] encoded = CertificateSigningRequest.create(ENGINEER, TestPki.keyPair("engineer"))
                .request()
                .getEncoded();
        encoded[encoded.length - 1] ^= 0x01; // the last byte of the signature
        CertificateSigningRequest altered = new CertificateSigningRequest(new PKCS10CertificationRequest(encoded));

        assertThatThrownBy(() -> altered.identityFor(CertificateRole.ENGINEER))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("signature is not valid");
    }

    @Test
    void requestSignedWithAnotherKeyIsRefused() throws Exception {
        KeyPair subjectKeys = TestPki.keyPair("appliance");
        KeyPair otherKeys = TestPki.keyPair("engineer");
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(
                        new X500Name("CN=SN-1234"), subjectKeys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(otherKeys.getPrivate()));

        assertThatThrownBy(() -> new CertificateSigningRequest(forged).identityFor(CertificateRole.APPLIANCE))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("signature is not valid");
    }

    // ---- requests for the wrong role -------------------------------------------------------------------------

    static Stream<Arguments> wrongRoles() {
        return Stream.of(
                Arguments.of("fail/engineer-signed-as-appliance", ENGINEER, CertificateRole.APPLIANCE),
                Arguments.of("fail/engineer-signed-as-server", ENGINEER, CertificateRole.SERVER),
                Arguments.of("fail/appliance-signed-as-engineer", APPLIANCE, CertificateRole.ENGINEER),
                Arguments.of("fail/appliance-signed-as-server", APPLIANCE, CertificateRole.SERVER),
                Arguments.of("fail/server-signed-as-appliance", SERVER, CertificateRole.APPLIANCE),
                Arguments.of("fail/server-signed-as-engineer", SERVER, CertificateRole.ENGINEER),
                Arguments.of("fail/api-client-signed-as-engineer", API_CLIENT, CertificateRole.ENGINEER),
                Arguments.of("fail/api-client-signed-as-appliance", API_CLIENT, CertificateRole.APPLIANCE),
                Arguments.of("fail/engineer-signed-as-api-client", ENGINEER, CertificateRole.API_CLIENT),
                Arguments.of("fail/appliance-signed-as-api-client", APPLIANCE, CertificateRole.API_CLIENT),
                Arguments.of("fail/server-signed-as-api-client", SERVER, CertificateRole.API_CLIENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongRoles")
    void requestForAnotherRoleIsRefused(String name, CertificateIdentity asked, CertificateRole signedAs) {
        CertificateSigningRequest csr = CertificateSigningRequest.create(
                asked, TestPki.keyPair(asked.role().label()));

        assertThatThrownBy(() -> csr.identityFor(signedAs))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining(" not a " + signedAs.label() + " one");
    }

    @Test
    void engineerRequestSignedAsApplianceNamesBothRoles() {
        CertificateSigningRequest csr = CertificateSigningRequest.create(ENGINEER, TestPki.keyPair("engineer"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.APPLIANCE))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the CSR asks for a engineer alice (Alice Example <alice@example.com>) certificate, not a"
                        + " appliance one: sign it with --role engineer if that is intended");
    }

    // ---- hand-made requests ----------------------------------------------------------------------------------

    @Test
    void applianceRequestWhoseCommonNameDiffersFromItsSerialIsRefused() throws Exception {
        CertificateSigningRequest csr = handMade(
                subject("CN", "SN-EVIL"),
                TestPki.keyPair("appliance"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:secureconnect:appliance:SN-1234"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.APPLIANCE))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith(
                        "CSR subject CN=SN-EVIL does not match SAN urn:secureconnect:appliance:SN-1234");
    }

    @Test
    void requestWithASmallKeyIsRefused() throws Exception {
        CertificateSigningRequest csr = CertificateSigningRequest.create(APPLIANCE, TestPki.weakRsaKeyPair());

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.APPLIANCE))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the CSR's key is RSA 1024 bits: at least 2048 are required");
    }

    @Test
    void serverRequestWithOnlyACommonNameAsksForThatDnsName() throws Exception {
        CertificateSigningRequest csr = handMade(subject("CN", "gateway.example.com"), TestPki.keyPair("server"));

        assertThat(csr.identityFor(CertificateRole.SERVER))
                .isEqualTo(CertificateIdentity.server(List.of("gateway.example.com"), List.of()));
    }

    @Test
    void applianceRequestWithOnlyACommonNameAsksForThatSerial() throws Exception {
        CertificateSigningRequest csr = handMade(subject("CN", "SN-77"), TestPki.keyPair("appliance"));

        assertThat(csr.identityFor(CertificateRole.APPLIANCE)).isEqualTo(CertificateIdentity.appliance("SN-77"));
    }

    @Test
    void apiClientRequestWithOnlyACommonNameAsksForThatName() throws Exception {
        CertificateSigningRequest csr = handMade(subject("CN", "splunk-prod"), TestPki.keyPair("api-client"));

        assertThat(csr.identityFor(CertificateRole.API_CLIENT)).isEqualTo(API_CLIENT);
    }

    @Test
    void apiClientRequestWithAnInvalidCommonNameIsRefused() throws Exception {
        CertificateSigningRequest csr = handMade(subject("CN", "Splunk Prod"), TestPki.keyPair("api-client"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.API_CLIENT))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("API client name (CSR CN) 'Splunk Prod' is not valid");
    }

    @Test
    void apiClientRequestWhoseCommonNameDiffersFromItsNameIsRefused() throws Exception {
        CertificateSigningRequest csr = handMade(
                subject("CN", "elastic"),
                TestPki.keyPair("api-client"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:secureconnect:api-client:splunk-prod"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.API_CLIENT))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith(
                        "CSR subject CN=elastic does not match SAN urn:secureconnect:api-client:splunk-prod");
    }

    @Test
    void applianceRequestWithAnInvalidCommonNameIsRefused() throws Exception {
        CertificateSigningRequest csr = handMade(subject("CN", "SN 77"), TestPki.keyPair("appliance"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.APPLIANCE))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("appliance serial (CSR CN) 'SN 77' is not valid");
    }

    @Test
    void engineerRequestMayGiveTheEmailInTheSubject() throws Exception {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "Bob Example")
                .addRDN(BCStyle.EmailAddress, "bob@example.com")
                .build();
        CertificateSigningRequest csr = handMade(
                subject,
                TestPki.keyPair("engineer"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:secureconnect:engineer:bob"));

        assertThat(csr.identityFor(CertificateRole.ENGINEER))
                .isEqualTo(CertificateIdentity.engineer("bob", "Bob Example", "bob@example.com"));
    }

    @Test
    void engineerRequestWithoutEmailIsRefused() throws Exception {
        CertificateSigningRequest csr = handMade(
                subject("CN", "Bob Example"),
                TestPki.keyPair("engineer"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:secureconnect:engineer:bob"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.ENGINEER))
                .isInstanceOf(CryptoException.class)
                .hasMessage("CSR engineer identity urn:secureconnect:engineer:bob has no e-mail address in its SAN");
    }

    @Test
    void requestNamingNoIdentityIsRefused() throws Exception {
        CertificateSigningRequest csr = handMade(new X500Name("O=Nobody"), TestPki.keyPair("engineer"));

        assertThatThrownBy(() -> csr.identityFor(CertificateRole.ENGINEER))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("carries no SecureConnect identity");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static X500Name subject(String type, String value) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.INSTANCE.attrNameToOID(type), value)
                .build();
    }

    /** A request built directly with Bouncy Castle, self-signed, with an extension request for {@code names}. */
    private static CertificateSigningRequest handMade(X500Name subject, KeyPair keys, GeneralName... names)
            throws Exception {
        JcaPKCS10CertificationRequestBuilder builder =
                new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic());
        if (names.length > 0) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return new CertificateSigningRequest(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
