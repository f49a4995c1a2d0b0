package dev.secureconnect.server.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.nio.charset.StandardCharsets;

/**
 * {@code rules.yaml} as an operator's editor may leave it, through {@link RulesFile#parse}: rules, each complete, or
 * a {@link RulesException} with a one-line message; nothing else escapes. An input is the file's bytes. Inputs that
 * contain a {@code regex} are left out: compiling the operator's own regular expression is what Jazzer's
 * regex-injection sanitizer reports by design (a bad one is refused on one line: {@code RulesFileTest}).
 */
class RulesFileFuzzTest {

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.contains("regex")) {
            return;
        }
        try {
            for (AlertRule rule : RulesFile.parse("rules.yaml", text)) {
                assertThat(rule.name()).isNotBlank();
                assertThat(rule.title()).isNotBlank();
                assertThat(rule.when()).isNotNull();
                assertThat(rule.scope()).isNotNull();
                assertThat(rule.rearm().isNegative()).isFalse();
            }
        } catch (RulesException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }
}
