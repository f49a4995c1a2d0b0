package dev.secureconnect.crypto.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.TestPki;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RsaKeySizeTest {

    @ParameterizedTest(name = "ok/{0}")
    @ValueSource(ints = {2048, 3072, 4096})
    void acceptsTheSupportedSizes(int bits) {
        assertThat(RsaKeySize.of(bits).bits()).isEqualTo(bits);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fail/1024-too-small | 1024 | key size 1024 bits is too small: RSA keys must be at least 2048 bits
            fail/2047-too-small | 2047 | key size 2047 bits is too small: RSA keys must be at least 2048 bits
            fail/0-too-small    | 0    | key size 0 bits is too small
            fail/2049-odd-size  | 2049 | key size 2049 bits is not supported: use 2048, 3072 or 4096
            fail/8192-too-big   | 8192 | key size 8192 bits is not supported
            """)
    void refusesOtherSizes(String name, int bits, String message) {
        assertThatThrownBy(() -> RsaKeySize.of(bits))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining(message);
    }

    @Test
    void defaultIsTheMinimum2048() {
        assertThat(RsaKeySize.DEFAULT.bits()).isEqualTo(2048).isEqualTo(RsaKeySize.MINIMUM_BITS);
    }

    @Test
    void generatedKeyHasTheRequestedSizeAndExponent() {
        RSAPublicKey key = (RSAPublicKey) TestPki.keyPair("engineer").getPublic();
        assertThat(key.getModulus().bitLength()).isEqualTo(2048);
        assertThat(key.getPublicExponent().intValue()).isEqualTo(65537);
    }

    @Test
    void requireAcceptableReturnsTheSizeOfA2048BitKey() {
        assertThat(RsaKeySize.requireAcceptable(TestPki.keyPair("engineer").getPublic(), "the peer's key"))
                .isEqualTo(2048);
    }

    @Test
    void requireAcceptableRefusesAnEcKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        PublicKey ec = generator.generateKeyPair().getPublic();

        assertThatThrownBy(() -> RsaKeySize.requireAcceptable(ec, "the CSR's key"))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith("the CSR's key is EC")
                .hasMessageContaining("RSA keys of 2048 bits or more");
    }

    @Test
    void requireAcceptableRefusesASmallRsaKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        PublicKey small = generator.generateKeyPair().getPublic();

        assertThatThrownBy(() -> RsaKeySize.requireAcceptable(small, "the peer's key"))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the peer's key is RSA 1024 bits: at least 2048 are required");
    }
}
