package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyMaterialTest {

    private static TestPki pki;
    private static TestPki.Issued appliance;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        pki = TestPki.shared();
        appliance = pki.appliance("SN-KEYS-1");
    }

    @Test
    void loadsCertificateKeyAndChain() {
        Path cert = write(dir.resolve("cert.pem"), Pem.certificates(List.of(appliance.certificate())));
        Path key = write(dir.resolve("key.pem"), Pem.privateKey(appliance.privateKey()));
        Path chain = write(
                dir.resolve("chain.pem"), Pem.certificates(appliance.chain().subList(1, 3)));

        KeyMaterial keys = KeyMaterial.load(cert, key, chain);

        assertThat(keys.certificate()).isEqualTo(appliance.certificate());
        assertThat(keys.chain()).containsExactlyElementsOf(appliance.chain());
        assertThat(keys.privateKey()).isEqualTo(appliance.privateKey());
    }

    @Test
    void certificateFileMayHoldTheChainAlready() {
        Path full = write(dir.resolve("fullchain.pem"), Pem.certificates(appliance.chain()));
        Path key = write(dir.resolve("key.pem"), Pem.privateKey(appliance.privateKey()));

        assertThat(KeyMaterial.load(full, key, null).chain()).containsExactlyElementsOf(appliance.chain());
        assertThat(KeyMaterial.load(full, key, full).chain())
                .as("no duplicates")
                .containsExactlyElementsOf(appliance.chain());
    }

    @Test
    void toStringNamesTheCertificateButNeverTheKey() {
        KeyMaterial keys = new KeyMaterial(appliance.privateKey(), appliance.chain());
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) appliance.privateKey();

        assertThat(keys.toString())
                .contains("CN=SN-KEYS-1", "3 certificate(s)", "hidden")
                .doesNotContain(
                        key.getPrivateExponent().toString(),
                        key.getPrivateExponent().toString(16),
                        key.getPrimeP().toString(16),
                        Base64.getEncoder().encodeToString(key.getEncoded()).substring(0, 40));
    }

    /** The certificate, key and chain files of one case, written into the test's directory. */
    record Files3(Path cert, Path key, Path chain) {}

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad(
                        "fail/missing-certificate",
                        d -> new Files3(d.resolve("nope.pem"), key(d), chain(d)),
                        "the certificate file",
                        "nope.pem does not exist"),
                bad(
                        "fail/missing-key",
                        d -> new Files3(cert(d), d.resolve("nokey.pem"), chain(d)),
                        "the private key file",
                        "nokey.pem does not exist"),
                bad(
                        "fail/missing-chain",
                        d -> new Files3(cert(d), key(d), d.resolve("nochain.pem")),
                        "the certificate chain file",
                        "nochain.pem does not exist"),
                bad("fail/key-is-a-directory", d -> new Files3(cert(d), d, chain(d)), "is not a regular file"),
                bad(
                        "fail/corrupted-certificate",
                        d -> new Files3(
                                write(
                                        d.resolve("cert.pem"),
                                        "-----BEGIN CERTIFICATE-----\nAAAA!!!!\n-----END CERTIFICATE-----\n"),
                                key(d),
                                chain(d)),
                        "cert.pem is not valid PEM (corrupted or truncated)"),
                bad(
                        "fail/truncated-key",
                        d -> {
                            String pem = Pem.privateKey(appliance.privateKey());
                            return new Files3(
                                    cert(d), write(d.resolve("key.pem"), pem.substring(0, pem.length() / 2)), chain(d));
                        },
                        "key.pem is not valid PEM"),
                bad(
                        "fail/empty-certificate-file",
                        d -> new Files3(write(d.resolve("cert.pem"), ""), key(d), chain(d)),
                        "cert.pem holds no PEM block"),
                bad(
                        "fail/certificate-where-key-expected",
                        d -> new Files3(cert(d), cert(d), chain(d)),
                        "cert.pem holds no PEM private key"),
                bad(
                        "fail/key-of-another-certificate",
                        d -> new Files3(
                                cert(d),
                                write(
                                        d.resolve("key.pem"),
                                        Pem.privateKey(
                                                TestPki.keyPair("engineer").getPrivate())),
                                chain(d)),
                        "the private key does not belong to certificate",
                        "CN=SN-KEYS-1"),
                bad(
                        "fail/chain-out-of-order",
                        d -> new Files3(
                                cert(d),
                                key(d),
                                write(
                                        d.resolve("chain.pem"),
                                        Pem.certificates(List.of(pki.rootCertificate(), pki.issuingCertificate())))),
                        "the certificate chain is out of order"),
                bad(
                        "fail/rsa-1024",
                        d -> {
                            TestPki.Issued weak = TlsFixtures.weakAppliance(pki, "SN-KEYS-WEAK");
                            return new Files3(
                                    write(d.resolve("cert.pem"), Pem.certificates(List.of(weak.certificate()))),
                                    write(d.resolve("key.pem"), Pem.privateKey(weak.privateKey())),
                                    chain(d));
                        },
                        "is RSA 1024 bits: at least 2048 are required"));
    }

    private static Arguments bad(String name, Function<Path, Files3> files, String... expected) {
        return Arguments.of(name, files, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFilesGiveAOneLineError(String name, Function<Path, Files3> files, String[] expected) {
        Files3 given = files.apply(dir);

        assertThatThrownBy(() -> KeyMaterial.load(given.cert(), given.key(), given.chain()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContainingAll(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void emptyChainIsRefused() {
        assertThatThrownBy(() -> new KeyMaterial(appliance.privateKey(), List.of()))
                .isInstanceOf(CryptoException.class)
                .hasMessage("no certificate given for the private key");
    }

    private static Path cert(Path dir) {
        return write(dir.resolve("cert.pem"), Pem.certificates(List.of(appliance.certificate())));
    }

    private static Path key(Path dir) {
        return write(dir.resolve("key.pem"), Pem.privateKey(appliance.privateKey()));
    }

    private static Path chain(Path dir) {
        return write(
                dir.resolve("chain.pem"), Pem.certificates(appliance.chain().subList(1, 3)));
    }
}
