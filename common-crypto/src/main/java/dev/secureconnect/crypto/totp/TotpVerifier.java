package dev.secureconnect.crypto.totp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.samstevens.totp.code.CodeGenerator;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.secureconnect.crypto.CryptoException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Checks TOTP codes (RFC 6238: HMAC-SHA1, {@value #DIGITS} digits, 30-second steps counted from the Unix epoch)
 * against the time of an injected {@link Clock}, accepting the codes of the current step and of
 * {@link #allowedSkewSteps()} steps either side (default {@value #DEFAULT_ALLOWED_SKEW_STEPS}) for clock skew and
 * typing time.
 *
 * <p>{@link #verify} answers with the <em>time step</em> the code belongs to, not a yes or no: a code stays valid
 * for up to {@code 2 × skew + 1} steps, so it is the caller who makes it single-use, by remembering the last step
 * it accepted for that secret and refusing any step that is not later (RFC 6238 section 5.2).
 *
 * <p>Each candidate code is compared in constant time, and every candidate of the window is compared whatever the
 * earlier ones gave. Immutable and thread-safe.
 */
public final class TotpVerifier {

    /** The length of a time step: 30 seconds, the default of RFC 6238 and of every authenticator app. */
    public static final Duration TIME_STEP = Duration.ofSeconds(30);

    /** The number of digits of a code. */
    public static final int DIGITS = 6;

    /** Steps accepted either side of the current one unless configured. */
    public static final int DEFAULT_ALLOWED_SKEW_STEPS = 1;

    /** The widest skew that may be configured: 10 steps is already 5 minutes either way. */
    public static final int MAX_ALLOWED_SKEW_STEPS = 10;

    private static final long STEP_SECONDS = TIME_STEP.toSeconds();
    private static final Pattern CODE = Pattern.compile("[0-9]{" + DIGITS + "}");
    private static final CodeGenerator GENERATOR = new DefaultCodeGenerator(HashingAlgorithm.SHA1, DIGITS);

    private final Clock clock;
    private final int allowedSkewSteps;

    private TotpVerifier(Clock clock, int allowedSkewSteps) {
        this.clock = requireNonNull(clock, "clock");
        if (allowedSkewSteps < 0 || allowedSkewSteps > MAX_ALLOWED_SKEW_STEPS) {
            throw new IllegalArgumentException(
                    "allowedSkewSteps: " + allowedSkewSteps + " (expected: 0.." + MAX_ALLOWED_SKEW_STEPS + ")");
        }
        this.allowedSkewSteps = allowedSkewSteps;
    }

    /** A verifier reading the time from {@code clock}, with ±{@value #DEFAULT_ALLOWED_SKEW_STEPS} step of skew. */
    public static TotpVerifier of(Clock clock) {
        return new TotpVerifier(clock, DEFAULT_ALLOWED_SKEW_STEPS);
    }

    /** This verifier accepting {@code steps} steps either side of the current one (0 to 10). */
    public TotpVerifier withAllowedSkewSteps(int steps) {
        return new TotpVerifier(clock, steps);
    }

    public int allowedSkewSteps() {
        return allowedSkewSteps;
    }

    /** The time step the clock is in now. */
    public long currentStep() {
        return stepAt(clock.instant());
    }

    /** The time step of {@code instant}: whole 30-second periods since 1970-01-01T00:00:00Z. */
    public static long stepAt(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), STEP_SECONDS);
    }

    /** When time step {@code step} begins. */
    public static Instant startOf(long step) {
        return Instant.ofEpochSecond(Math.multiplyExact(step, STEP_SECONDS));
    }

    /**
     * Checks {@code code} against the steps around now.
     *
     * @param code the code as typed: exactly {@value #DIGITS} ASCII digits, white space around them ignored
     * @return the time step whose code it is, or empty if it is not the code of any step in the window (or is not
     *     {@value #DIGITS} digits). Should two steps of the window share the code, the later step is returned.
     */
    public OptionalLong verify(TotpSecret secret, String code) {
        requireNonNull(secret, "secret");
        if (code == null) {
            return OptionalLong.empty();
        }
        String typed = code.strip();
        if (!CODE.matcher(typed).matches()) {
            return OptionalLong.empty();
        }
        byte[] given = typed.getBytes(US_ASCII);
        long now = currentStep();
        long matched = -1;
        for (long step = now - allowedSkewSteps; step <= now + allowedSkewSteps; step++) {
            if (step < 0) {
                continue;
            }
            boolean equal = MessageDigest.isEqual(code(secret, step).getBytes(US_ASCII), given);
            matched = equal ? step : matched;
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    /** The code of {@code secret} for time step {@code step} (what an authenticator app shows during that step). */
    public static String code(TotpSecret secret, long step) {
        requireNonNull(secret, "secret");
        if (step < 0) {
            throw new IllegalArgumentException("step: " + step + " (expected: >= 0)");
        }
        try {
            return GENERATOR.generate(secret.base32(), step);
        } catch (CodeGenerationException e) {
            throw new CryptoException("cannot compute a TOTP code: " + e.getMessage(), e);
        }
    }

    /** The code of {@code secret} for the current step. */
    public String currentCode(TotpSecret secret) {
        return code(secret, currentStep());
    }

    @Override
    public String toString() {
        return "TotpVerifier[SHA1, " + DIGITS + " digits, " + STEP_SECONDS + " s steps, ±" + allowedSkewSteps
                + " step(s)]";
    }
}
