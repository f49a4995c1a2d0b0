package dev.secureconnect.crypto.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TotpSecretTest {

    @Test
    void aNewSecretIs160RandomBitsInBase32() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String base32 = TotpSecret.generate().base32();
            assertThat(base32).matches("[A-Z2-7]{32}");
            seen.add(base32);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void base32IsRfc4648WithoutPadding() {
        Random bytesZeroToNineteen = new Random() {
            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) i;
                }
            }
        };
        // python3 -c "import base64; print(base64.b32encode(bytes(range(20))).decode())"
        assertThat(TotpSecret.generate(bytesZeroToNineteen).base32()).isEqualTo("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT");
    }

    @Test
    void oathtoolReadsTheSecret() {
        TotpSecret secret = TotpSecret.generate();
        assertThat(OathTool.totp(secret.base32())).matches("[0-9]{6}");
    }

    @Test
    void toStringHidesTheSecret() {
        TotpSecret secret = TotpSecret.generate();
        assertThat(secret.toString()).isEqualTo("TotpSecret[***]").doesNotContain(secret.base32());
    }

    @Test
    void readsBackWhatItWroteInEitherCase() {
        TotpSecret secret = TotpSecret.generate();
        assertThat(TotpSecret.ofBase32(secret.base32())).isEqualTo(secret);
        assertThat(TotpSecret.ofBase32(secret.base32().toLowerCase(java.util.Locale.ROOT)))
                .isEqualTo(secret);
        assertThat(TotpSecret.generate()).isNotEqualTo(secret);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ",
                "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTA",
                "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ1",
                "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ=",
                " AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT"
            })
    void malformedSecretsAreRefusedWithoutRepeatingThem(String text) {
        assertThatThrownBy(() -> TotpSecret.ofBase32(text))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("32 base32 characters")
                .satisfies(e -> {
                    if (!text.isEmpty()) {
                        assertThat(e.getMessage()).doesNotContain(text.strip());
                    }
                });
    }
}
