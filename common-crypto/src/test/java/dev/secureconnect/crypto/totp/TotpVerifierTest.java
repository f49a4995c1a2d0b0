package dev.secureconnect.crypto.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpVerifierTest {

    /** The SHA1 secret of RFC 6238 appendix B, "12345678901234567890", in base32. */
    static final TotpSecret RFC_6238 = TotpSecret.ofBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

    /** A fixed secret whose codes at and around {@link #NOW} are all different (checked by the tests). */
    static final TotpSecret SECRET = TotpSecret.ofBase32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    /** Half-way through a time step. */
    static final Instant NOW = Instant.parse("2026-01-01T00:00:15Z");

    static TotpVerifier at(Instant instant) {
        return TotpVerifier.of(Clock.fixed(instant, ZoneOffset.UTC));
    }

    static Stream<Arguments> rfc6238() {
        // RFC 6238 appendix B, SHA1 column: the 8-digit values, of which a 6-digit code is the last six digits
        return Stream.of(
                Arguments.of(59L, "94287082"),
                Arguments.of(1111111109L, "07081804"),
                Arguments.of(1111111111L, "14050471"),
                Arguments.of(1234567890L, "89005924"),
                Arguments.of(2000000000L, "69279037"),
                Arguments.of(20000000000L, "65353130"));
    }

    @ParameterizedTest(name = "T={0}")
    @MethodSource("rfc6238")
    void codesAreThoseOfRfc6238(long epochSecond, String eightDigits) {
        long step = TotpVerifier.stepAt(Instant.ofEpochSecond(epochSecond));
        assertThat(TotpVerifier.code(RFC_6238, step)).isEqualTo(eightDigits.substring(2));
        assertThat(at(Instant.ofEpochSecond(epochSecond)).verify(RFC_6238, eightDigits.substring(2)))
                .hasValue(step);
    }

    @Test
    void codesAreThoseOathtoolPrints() {
        TotpSecret secret = TotpSecret.generate();
        List<Instant> times = List.of(
                Instant.EPOCH,
                Instant.ofEpochSecond(29),
                Instant.ofEpochSecond(30),
                NOW,
                NOW.plusSeconds(14),
                NOW.plusSeconds(15),
                Instant.parse("2038-01-19T03:14:08Z"),
                Instant.now());
        for (Instant time : times) {
            assertThat(TotpVerifier.code(secret, TotpVerifier.stepAt(time)))
                    .as("code at %s", time)
                    .isEqualTo(OathTool.totp(secret.base32(), time));
        }
    }

    @Test
    void theCurrentCodeOfOathtoolIsAcceptedWithTheSystemClock() {
        TotpSecret secret = TotpSecret.generate();
        TotpVerifier verifier = TotpVerifier.of(Clock.systemUTC());
        long before = verifier.currentStep();
        String code = OathTool.totp(secret.base32());
        OptionalLong step = verifier.verify(secret, code);
        assertThat(step).isPresent();
        assertThat(step.getAsLong()).isBetween(before - 1, verifier.currentStep() + 1);
    }

    @Test
    void oathtoolCodesOneStepEitherSideAreAcceptedAndTwoStepsAreRefused() {
        long now = TotpVerifier.stepAt(NOW);
        List<String> codes = new ArrayList<>();
        for (int offset = -2; offset <= 2; offset++) {
            codes.add(OathTool.totp(SECRET.base32(), NOW.plus(TotpVerifier.TIME_STEP.multipliedBy(offset))));
        }
        assertThat(codes).doesNotHaveDuplicates();
        TotpVerifier verifier = at(NOW);

        assertThat(verifier.verify(SECRET, codes.get(0))).as("-2 steps").isEmpty();
        assertThat(verifier.verify(SECRET, codes.get(1))).as("-1 step").hasValue(now - 1);
        assertThat(verifier.verify(SECRET, codes.get(2))).as("this step").hasValue(now);
        assertThat(verifier.verify(SECRET, codes.get(3))).as("+1 step").hasValue(now + 1);
        assertThat(verifier.verify(SECRET, codes.get(4))).as("+2 steps").isEmpty();
    }

    @Test
    void theSkewIsConfigurable() {
        long now = TotpVerifier.stepAt(NOW);
        String previous = OathTool.totp(SECRET.base32(), NOW.minus(TotpVerifier.TIME_STEP));
        String current = OathTool.totp(SECRET.base32(), NOW);
        String twoAhead = OathTool.totp(SECRET.base32(), NOW.plus(TotpVerifier.TIME_STEP.multipliedBy(2)));

        TotpVerifier strict = at(NOW).withAllowedSkewSteps(0);
        assertThat(strict.allowedSkewSteps()).isZero();
        assertThat(strict.verify(SECRET, current)).hasValue(now);
        assertThat(strict.verify(SECRET, previous)).isEmpty();

        TotpVerifier lenient = at(NOW).withAllowedSkewSteps(2);
        assertThat(lenient.verify(SECRET, twoAhead)).hasValue(now + 2);
    }

    @Test
    void theStepBoundariesAreThoseOfTheEpoch() {
        Instant stepStart = Instant.parse("2026-01-01T00:00:00Z");
        long step = TotpVerifier.stepAt(stepStart);
        assertThat(step).isEqualTo(stepStart.getEpochSecond() / 30);
        assertThat(TotpVerifier.stepAt(stepStart.minusMillis(1))).isEqualTo(step - 1);
        assertThat(TotpVerifier.stepAt(stepStart.plusSeconds(29).plusMillis(999)))
                .isEqualTo(step);
        assertThat(TotpVerifier.startOf(step)).isEqualTo(stepStart);
        assertThat(at(stepStart).currentStep()).isEqualTo(step);
        assertThat(at(stepStart).currentCode(SECRET)).isEqualTo(OathTool.totp(SECRET.base32(), stepStart));
    }

    @Test
    void whiteSpaceAroundTheCodeIsIgnored() {
        String code = TotpVerifier.code(SECRET, TotpVerifier.stepAt(NOW));
        assertThat(at(NOW).verify(SECRET, " " + code + "\n")).hasValue(TotpVerifier.stepAt(NOW));
        assertThat(at(NOW).verify(SECRET, "\t" + code)).hasValue(TotpVerifier.stepAt(NOW));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "12345", "1234567", "12345a", "123 456", "+12345", "-12345", "١٢٣٤٥٦", "１２３４５６"})
    void anythingButSixDigitsIsRefused(String code) {
        assertThat(at(NOW).verify(SECRET, code)).isEmpty();
    }

    @Test
    void theRightCodeWithAnExtraDigitOrAMissingOneIsRefused() {
        String code = TotpVerifier.code(SECRET, TotpVerifier.stepAt(NOW));
        assertThat(at(NOW).verify(SECRET, code + "0")).isEmpty();
        assertThat(at(NOW).verify(SECRET, code.substring(1))).isEmpty();
        assertThat(at(NOW).verify(SECRET, null)).isEmpty();
        assertThat(at(NOW).verify(TotpSecret.generate(), code)).isEmpty();
    }

    @Test
    void nearTheEpochNoNegativeStepIsTried() {
        TotpVerifier verifier = at(Instant.ofEpochSecond(5));
        assertThat(verifier.verify(SECRET, TotpVerifier.code(SECRET, 0))).hasValue(0);
        assertThat(verifier.verify(SECRET, TotpVerifier.code(SECRET, 1))).hasValue(1);
        assertThatThrownBy(() -> TotpVerifier.code(SECRET, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSkewMustBeSmall() {
        assertThatThrownBy(() -> at(NOW).withAllowedSkewSteps(-1)).hasMessage("allowedSkewSteps: -1 (expected: 0..10)");
        assertThatThrownBy(() -> at(NOW).withAllowedSkewSteps(11)).hasMessage("allowedSkewSteps: 11 (expected: 0..10)");
        assertThat(TotpVerifier.of(Clock.systemUTC()).allowedSkewSteps()).isEqualTo(1);
        assertThat(TotpVerifier.TIME_STEP).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theSameCodeStaysValidForThreeSteps() {
        // why the caller must remember the accepted step: the verifier alone accepts a code again and again
        long step = TotpVerifier.stepAt(NOW);
        String code = TotpVerifier.code(SECRET, step);
        assertThat(at(NOW.minus(TotpVerifier.TIME_STEP)).verify(SECRET, code)).hasValue(step);
        assertThat(at(NOW).verify(SECRET, code)).hasValue(step);
        assertThat(at(NOW.plus(TotpVerifier.TIME_STEP)).verify(SECRET, code)).hasValue(step);
        assertThat(at(NOW.plus(TotpVerifier.TIME_STEP.multipliedBy(2))).verify(SECRET, code))
                .isEmpty();
    }
}
