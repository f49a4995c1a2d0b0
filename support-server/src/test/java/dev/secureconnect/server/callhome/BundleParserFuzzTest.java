package dev.secureconnect.server.callhome;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;

/**
 * A bundle's JSON as an appliance (or whoever holds its key) may send it, through {@link BundleParser#parse}: the
 * fields the server stores, or a {@link BundleRefusedException} with a 4xx status and a one-line reason; nothing
 * else escapes. An input is the JSON's bytes.
 */
class BundleParserFuzzTest {

    @FuzzTest
    void parsesOrRefusesOnOneLine(byte[] input) {
        try {
            ReceivedBundle bundle = BundleParser.parse(input);
            assertThat(bundle.id()).hasSize(36);
            assertThat(bundle.serial()).isNotBlank();
            assertThat(bundle.summary()).doesNotContain("\n", "\r");
        } catch (BundleRefusedException e) {
            assertThat(e.status()).isBetween(400, 499);
            FuzzContract.assertOneLineMessage(e);
        }
    }
}
