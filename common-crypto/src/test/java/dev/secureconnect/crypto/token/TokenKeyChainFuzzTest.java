package dev.secureconnect.crypto.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The chain of rotated token key sets as an appliance receives it over the link ({@code POST /v1/token-keys}): parsed
 * and followed from a pinned set, or refused with a {@link CryptoException} whose message is one line; nothing else
 * escapes, and nothing is accepted that the pinned key did not sign.
 */
class TokenKeyChainFuzzTest {

    private static final TokenSigningKey PINNED = TokenSigningKey.generate();
    private static final TokenKeySet TRUSTED = TokenKeySet.of(PINNED);

    @FuzzTest
    void followsOrRefusesOnOneLine(byte[] input) {
        try {
            TokenKeyChain.Followed followed = TokenKeyChain.parse(new String(input, StandardCharsets.UTF_8))
                    .follow(TRUSTED, Instant.now());
            assertThat(followed.changed())
                    .as("only the pinned key signs a newer set")
                    .isFalse();
        } catch (CryptoException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }
}
