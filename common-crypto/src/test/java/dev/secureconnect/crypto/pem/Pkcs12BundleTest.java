package dev.secureconnect.crypto.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.OpenSsl;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12BundleTest {

    private static final char[] PASSWORD = "bundle password".toCharArray();

    private static TestPki.Issued engineer;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        engineer = TestPki.shared().engineer("p12-alice");
    }

    @Test
    void encodedBundleIsReadBackWithItsKeyAndChain() throws Exception {
        Path file = Files.write(
                dir.resolve("alice.p12"), new Pkcs12Bundle(engineer.privateKey(), engineer.chain()).encode(PASSWORD));

        Pkcs12Bundle read = Pkcs12Bundle.read(file, PASSWORD);

        assertThat(read.privateKey().getEncoded())
                .isEqualTo(engineer.privateKey().getEncoded());
        assertThat(read.chain()).containsExactlyElementsOf(engineer.chain());
        assertThat(read.certificate()).isEqualTo(engineer.certificate());
    }

    @Test
    void keyEntryHasTheDocumentedAlias() throws Exception {
        byte[] encoded = new Pkcs12Bundle(engineer.privateKey(), engineer.chain()).encode(PASSWORD);
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(new java.io.ByteArrayInputStream(encoded), PASSWORD);

        assertThat(java.util.Collections.list(store.aliases())).containsExactly(Pkcs12Bundle.ALIAS);
        assertThat(store.isKeyEntry(Pkcs12Bundle.ALIAS)).isTrue();
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        Path file = Files.write(
                dir.resolve("alice.p12"), new Pkcs12Bundle(engineer.privateKey(), engineer.chain()).encode(PASSWORD));

        assertThatThrownBy(() -> Pkcs12Bundle.read(file, "not the password".toCharArray()))
                .isInstanceOf(CryptoException.class)
                .hasMessage("wrong password for " + file);
    }

    @Test
    void opensslOpensTheBundleWithoutItsLegacyProvider() throws Exception {
        Path file = Files.write(
                dir.resolve("alice.p12"), new Pkcs12Bundle(engineer.privateKey(), engineer.chain()).encode(PASSWORD));
        Path password = Files.writeString(dir.resolve("password.txt"), new String(PASSWORD));

        String certificates = OpenSsl.run("pkcs12", "-in", file.toString(), "-passin", "file:" + password, "-nokeys");
        assertThat(Pem.parse(certificates, "openssl output")).hasSize(3);
        String info = OpenSsl.run("pkcs12", "-in", file.toString(), "-passin", "file:" + password, "-info", "-noout");
        assertThat(info)
                .contains("PBES2")
                .contains("AES-256-CBC")
                .doesNotContain("RC2")
                .doesNotContain("3DES");
    }

    @Test
    void fileThatIsNotPkcs12IsRefusedNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("cert.pem"), Pem.certificates(engineer.chain()));

        assertThatThrownBy(() -> Pkcs12Bundle.read(file, PASSWORD))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith(file + " cannot be read as PKCS#12");
    }

    @Test
    void emptyChainIsRefused() {
        assertThatThrownBy(() -> new Pkcs12Bundle(engineer.privateKey(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain: empty");
    }

    @Test
    void toStringHidesTheKey() {
        String text = new Pkcs12Bundle(engineer.privateKey(), engineer.chain()).toString();

        assertThat(text).contains("private key hidden").contains("p12-alice");
        assertThat(text)
                .doesNotContain(java.util.Base64.getEncoder()
                        .encodeToString(engineer.privateKey().getEncoded())
                        .substring(0, 40));
    }
}
