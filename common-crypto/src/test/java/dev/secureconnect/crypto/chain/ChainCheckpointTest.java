package dev.secureconnect.crypto.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.TestPki;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChainCheckpointTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00.123Z");
    private static final String HASH = "ab".repeat(32);

    @Test
    void anRsaKeySignsPs256AndOnlyItsPublicKeyVerifies() {
        KeyPair keys = TestPki.keyPair("appliance");
        ChainCheckpoint checkpoint = ChainCheckpoint.sign("SN-1", 7, HASH, AT, keys.getPrivate());

        assertThat(checkpoint.jws()).startsWith("eyJ"); // a compact JWS
        assertThat(ChainCheckpoint.verified(checkpoint.jws(), keys.getPublic())).isEqualTo(checkpoint);
        checkpoint.verify(keys.getPublic());

        assertThatThrownBy(
                        () -> checkpoint.verify(TestPki.keyPair("someone-else").getPublic()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("does not verify with the certificate's key");
        ChainCheckpoint edited = new ChainCheckpoint("SN-1", 8, HASH, AT, checkpoint.jws());
        assertThatThrownBy(() -> edited.verify(keys.getPublic()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("does not match its signature, which signs record 7");
        assertThatThrownBy(() -> ChainCheckpoint.verified("not a jws", keys.getPublic()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("not a compact JWS");
    }

    @Test
    void anEcP256KeySignsEs256AndAnRsaKeyDoesNotVerifyIt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        ChainCheckpoint checkpoint = ChainCheckpoint.sign("SN-2", 1, HASH, AT, keys.getPrivate());

        assertThat(ChainCheckpoint.verified(checkpoint.jws(), keys.getPublic()).seq())
                .isEqualTo(1);
        assertThatThrownBy(() -> ChainCheckpoint.verified(
                        checkpoint.jws(), TestPki.keyPair("appliance").getPublic()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("signed ES256");
    }
}
