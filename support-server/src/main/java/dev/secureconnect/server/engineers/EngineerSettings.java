package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.totp.OtpAuthUri;
import dev.secureconnect.crypto.totp.TotpVerifier;
import java.time.Duration;

/**
 * How the second factor is checked.
 *
 * @param maxFailedAttempts failed logins in a row that lock an engineer out (default
 *     {@value #DEFAULT_MAX_FAILED_ATTEMPTS})
 * @param lockout how long a lockout lasts (default 15 minutes)
 * @param allowedSkewSteps TOTP time steps accepted either side of the current one (default
 *     {@value TotpVerifier#DEFAULT_ALLOWED_SKEW_STEPS})
 * @param issuer the issuer named in enrolment URIs, which authenticator apps show (default
 *     {@value OtpAuthUri#DEFAULT_ISSUER})
 */
public record EngineerSettings(int maxFailedAttempts, Duration lockout, int allowedSkewSteps, String issuer) {

    public static final int DEFAULT_MAX_FAILED_ATTEMPTS = 5;
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(15);

    private static final int MAX_FAILED_ATTEMPTS_LIMIT = 100;
    private static final Duration MAX_LOCKOUT = Duration.ofDays(7);

    public EngineerSettings {
        if (maxFailedAttempts < 1 || maxFailedAttempts > MAX_FAILED_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxFailedAttempts: " + maxFailedAttempts + " (expected: 1.." + MAX_FAILED_ATTEMPTS_LIMIT + ")");
        }
        requireNonNull(lockout, "lockout");
        if (lockout.compareTo(Duration.ofSeconds(1)) < 0 || lockout.compareTo(MAX_LOCKOUT) > 0) {
            throw new IllegalArgumentException("lockout: " + lockout + " (expected: PT1S..P7D)");
        }
        if (allowedSkewSteps < 0 || allowedSkewSteps > TotpVerifier.MAX_ALLOWED_SKEW_STEPS) {
            throw new IllegalArgumentException("allowedSkewSteps: " + allowedSkewSteps + " (expected: 0.."
                    + TotpVerifier.MAX_ALLOWED_SKEW_STEPS + ")");
        }
        OtpAuthUri.requireValidIssuer(issuer);
    }

    /** 5 failures lock for 15 minutes, ±1 time step, issuer "SecureConnect". */
    public static EngineerSettings defaults() {
        return new EngineerSettings(
                DEFAULT_MAX_FAILED_ATTEMPTS,
                DEFAULT_LOCKOUT,
                TotpVerifier.DEFAULT_ALLOWED_SKEW_STEPS,
                OtpAuthUri.DEFAULT_ISSUER);
    }

    public EngineerSettings withMaxFailedAttempts(int attempts) {
        return new EngineerSettings(attempts, lockout, allowedSkewSteps, issuer);
    }

    public EngineerSettings withLockout(Duration duration) {
        return new EngineerSettings(maxFailedAttempts, duration, allowedSkewSteps, issuer);
    }

    public EngineerSettings withAllowedSkewSteps(int steps) {
        return new EngineerSettings(maxFailedAttempts, lockout, steps, issuer);
    }

    public EngineerSettings withIssuer(String name) {
        return new EngineerSettings(maxFailedAttempts, lockout, allowedSkewSteps, name);
    }
}
