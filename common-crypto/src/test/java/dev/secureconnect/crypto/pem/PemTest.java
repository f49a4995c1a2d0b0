package dev.secureconnect.crypto.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.crypto.testing.OpenSsl;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PemTest {

    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    private static TestPki pki;
    private static TestPki.Issued engineer;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        pki = TestPki.shared();
        engineer = pki.engineer("pem-alice");
    }

    // ---- round trips -----------------------------------------------------------------------------------------

    @Test
    void certificateChainRoundTripsInOrder() throws Exception {
        Path file = write("chain.pem", Pem.certificates(engineer.chain()));

        assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(count(Files.readString(file), "-----BEGIN CERTIFICATE-----")).isEqualTo(3);
        assertThat(Pem.readCertificates(file)).containsExactlyElementsOf(engineer.chain());
        assertThat(Pem.readCertificate(file)).isEqualTo(engineer.certificate());
    }

    @Test
    void certificateWrittenHereIsReadByOpenssl() throws Exception {
        Path file = write("cert.pem", Pem.certificates(List.of(engineer.certificate())));

        assertThat(OpenSsl.run("x509", "-noout", "-serial", "-in", file.toString()))
                .containsIgnoringCase("serial=" + engineer.serialNumber().toString(16));
    }

    @Test
    void crlRoundTrips() throws Exception {
        X509CRL crl = pki.revocationList();
        Path file = write("crl.pem", Pem.crl(crl));

        assertThat(Files.readString(file)).startsWith("-----BEGIN X509 CRL-----");
        assertThat(Pem.readCrl(file)).isEqualTo(crl);
    }

    @Test
    void csrRoundTripsAndStillVerifies() throws Exception {
        CertificateIdentity identity = CertificateIdentity.appliance("SN-PEM");
        CertificateSigningRequest csr = CertificateSigningRequest.create(identity, TestPki.keyPair("appliance"));
        Path file = write("request.csr", Pem.csr(csr));

        assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        CertificateSigningRequest read = Pem.readCsr(file);
        assertThat(read.request().getEncoded()).isEqualTo(csr.request().getEncoded());
        assertThat(read.identityFor(CertificateRole.APPLIANCE)).isEqualTo(identity);
        assertThat(OpenSsl.run("req", "-noout", "-verify", "-in", file.toString()))
                .contains("verify OK");
    }

    @Test
    void plainPrivateKeyRoundTrips() throws Exception {
        Path file = write("key.pem", Pem.privateKey(engineer.privateKey()));

        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertSameKey(Pem.readPrivateKey(file, null), engineer.privateKey());
        assertSameKey(Pem.readPrivateKey(file, "ignored".toCharArray()), engineer.privateKey());
    }

    @Test
    void encryptedPrivateKeyRoundTripsAndIsPbes2WithAes256AndHmacSha256() throws Exception {
        String pem = Pem.encryptedPrivateKey(engineer.privateKey(), PASSPHRASE);
        Path file = write("key.enc.pem", pem);

        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertSameKey(Pem.readPrivateKey(file, PASSPHRASE), engineer.privateKey());

        EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(der(pem));
        assertThat(info.getEncryptionAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_PBES2);
        PBES2Parameters pbes2 =
                PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
        assertThat(pbes2.getEncryptionScheme().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_aes256_CBC);
        PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
        assertThat(kdf.getPrf().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_hmacWithSHA256);
        assertThat(kdf.getIterationCount().intValue()).isEqualTo(Pem.PBKDF2_ITERATIONS);
    }

    @Test
    void encryptedPrivateKeyIsOpenedByOpensslWithThePassphrase() throws Exception {
        Path file = write("key.enc.pem", Pem.encryptedPrivateKey(engineer.privateKey(), PASSPHRASE));
        Path passphrase = write("passphrase.txt", new String(PASSPHRASE));

        String modulus =
                OpenSsl.run("rsa", "-noout", "-modulus", "-in", file.toString(), "-passin", "file:" + passphrase);
        assertThat(modulus.trim())
                .isEqualToIgnoringCase("Modulus="
                        + ((RSAPrivateCrtKey) engineer.privateKey())
                                .getModulus()
                                .toString(16));
    }

    @Test
    void wrongPassphraseIsSaidSo() throws Exception {
        Path file = write("key.enc.pem", Pem.encryptedPrivateKey(engineer.privateKey(), PASSPHRASE));

        assertThatThrownBy(() -> Pem.readPrivateKey(file, "Tr0ub4dor&3".toCharArray()))
                .isInstanceOf(CryptoException.class)
                .hasMessage("wrong passphrase for the encrypted key " + file)
                .hasMessageNotContaining("Tr0ub4dor");
    }

    @Test
    void encryptedKeyWithoutPassphraseAsksForOne() throws Exception {
        Path file = write("key.enc.pem", Pem.encryptedPrivateKey(engineer.privateKey(), PASSPHRASE));

        assertThatThrownBy(() -> Pem.readPrivateKey(file, null))
                .isInstanceOf(CryptoException.class)
                .hasMessage(file + " is encrypted: a passphrase is needed to read it");
    }

    @Test
    void traditionalOpensslRsaKeyIsRead() throws Exception {
        Path pkcs8 = write("key.pem", Pem.privateKey(engineer.privateKey()));
        Path traditional = dir.resolve("key.rsa.pem");
        OpenSsl.run("rsa", "-traditional", "-in", pkcs8.toString(), "-out", traditional.toString());

        assertThat(Files.readString(traditional)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertSameKey(Pem.readPrivateKey(traditional, null), engineer.privateKey());
    }

    // ---- damaged and wrong files -----------------------------------------------------------------------------

    static Stream<Arguments> damages() {
        return Stream.of(
                damage("fail/invalid-base64-character", pem -> replaceInBody(pem, 100, '*')),
                damage("fail/der-header-altered", pem -> pem.replaceFirst("\nMII", "\nAAA")),
                damage("fail/cut-mid-body", pem -> pem.substring(0, pem.length() / 2)),
                damage("fail/end-line-missing", pem -> pem.substring(0, pem.indexOf("-----END"))),
                damage("fail/body-lines-removed", pem -> removeBodyLines(pem, 3)),
                damage(
                        "fail/begin-and-end-differ",
                        pem -> pem.replaceFirst("-----END [A-Z ]+-----", "-----END SOMETHING ELSE-----")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void damagedCertificateFileIsRefusedNamingTheFile(String name, UnaryOperator<String> damage) throws Exception {
        Path file = write("damaged.pem", damage.apply(Pem.certificates(List.of(engineer.certificate()))));

        assertThatThrownBy(() -> Pem.readCertificate(file))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining(file.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void damagedKeyFileIsRefusedNamingTheFile(String name, UnaryOperator<String> damage) throws Exception {
        Path file = write("damaged-key.pem", damage.apply(Pem.privateKey(engineer.privateKey())));

        assertThatThrownBy(() -> Pem.readPrivateKey(file, null))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void truncatedFileIsCalledCorruptedOrTruncated() throws Exception {
        String pem = Pem.certificates(List.of(engineer.certificate()));
        Path file = write("truncated.pem", pem.substring(0, pem.length() / 2));

        assertThatThrownBy(() -> Pem.readCertificates(file))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith(file + " is not valid PEM (corrupted or truncated)");
    }

    @Test
    void missingFileIsSaidNotToExist() {
        Path missing = dir.resolve("nowhere").resolve("cert.pem");

        assertThatThrownBy(() -> Pem.readCertificate(missing))
                .isInstanceOf(CryptoException.class)
                .hasMessage(missing + " does not exist");
        assertThatThrownBy(() -> Pem.readPrivateKey(missing, null)).hasMessage(missing + " does not exist");
        assertThatThrownBy(() -> Pem.readCrl(missing)).hasMessage(missing + " does not exist");
        assertThatThrownBy(() -> Pem.readCsr(missing)).hasMessage(missing + " does not exist");
    }

    @Test
    void fileWithoutPemIsRefused() throws Exception {
        Path file = write("notes.txt", "just some text\n");

        assertThatThrownBy(() -> Pem.readCertificate(file))
                .isInstanceOf(CryptoException.class)
                .hasMessage(file + " holds no PEM block (expected -----BEGIN …----- lines)");
    }

    @Test
    void fileOfAnotherKindSaysWhatWasExpected() throws Exception {
        Path key = write("key.pem", Pem.privateKey(engineer.privateKey()));
        Path certificate = write("cert.pem", Pem.certificates(List.of(engineer.certificate())));

        assertThatThrownBy(() -> Pem.readCertificate(key))
                .hasMessage(key + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> Pem.readCrl(key)).hasMessageStartingWith(key + " holds no PEM CRL");
        assertThatThrownBy(() -> Pem.readCsr(key)).hasMessageStartingWith(key + " holds no PEM certificate request");
        assertThatThrownBy(() -> Pem.readPrivateKey(certificate, null))
                .hasMessageStartingWith(certificate + " holds no PEM private key");
    }

    @Test
    void keyAndCertificateInOneFileAreBothFound() throws Exception {
        Path file = write("both.pem", Pem.privateKey(engineer.privateKey()) + Pem.certificates(engineer.chain()));

        assertSameKey(Pem.readPrivateKey(file, null), engineer.privateKey());
        assertThat(Pem.readCertificates(file)).containsExactlyElementsOf(engineer.chain());
    }

    @Test
    void parseNamesTheOriginOfInMemoryText() {
        assertThat(Pem.parse(Pem.certificates(engineer.chain()), "peer")).hasSize(3);
        assertThatThrownBy(
                        () -> Pem.parse("-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n", "the peer"))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith("the peer is not valid PEM");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private static void assertSameKey(PrivateKey actual, PrivateKey expected) {
        assertThat(actual.getAlgorithm()).isEqualTo("RSA");
        assertThat(actual.getEncoded()).isEqualTo(expected.getEncoded());
    }

    private static Arguments damage(String name, UnaryOperator<String> damage) {
        return Arguments.of(name, damage);
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /** Replaces the character at {@code offset} of the base64 body (past the BEGIN line). */
    private static String replaceInBody(String pem, int offset, char replacement) {
        int at = pem.indexOf('\n') + 1 + offset;
        assertThat(pem.charAt(at)).isNotIn('\n', '-');
        return pem.substring(0, at) + replacement + pem.substring(at + 1);
    }

    private static String removeBodyLines(String pem, int count) {
        List<String> lines = new java.util.ArrayList<>(pem.lines().toList());
        for (int i = 0; i < count; i++) {
            lines.remove(lines.size() / 2);
        }
        return String.join("\n", lines) + "\n";
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
