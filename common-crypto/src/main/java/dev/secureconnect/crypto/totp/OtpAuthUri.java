package dev.secureconnect.crypto.totp;

import static java.util.Objects.requireNonNull;

import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.qr.QrData;

/**
 * The {@code otpauth://totp/…} URI that enrols a TOTP secret in an authenticator app (Google's "Key Uri Format"),
 * with the parameters {@link TotpVerifier} checks: SHA1, {@value TotpVerifier#DIGITS} digits, 30 s.
 *
 * <pre>{@code
 * otpauth://totp/SecureConnect%3Aalice?secret=JBSWY3DP…&issuer=SecureConnect&algorithm=SHA1&digits=6&period=30
 * }</pre>
 *
 * <p>The URI holds the secret: {@link #uri()} is for showing it once to the engineer; {@link #toString()} masks it.
 */
public final class OtpAuthUri {

    /** The issuer an app shows above the account unless another is chosen. */
    public static final String DEFAULT_ISSUER = "SecureConnect";

    private static final int MAX_NAME_LENGTH = 64;

    private final String issuer;
    private final String account;
    private final QrData data;

    private OtpAuthUri(String issuer, String account, TotpSecret secret) {
        this.issuer = issuer;
        this.account = account;
        this.data = new QrData.Builder()
                .label(issuer + ":" + account)
                .secret(secret.base32())
                .issuer(issuer)
                .algorithm(HashingAlgorithm.SHA1)
                .digits(TotpVerifier.DIGITS)
                .period((int) TotpVerifier.TIME_STEP.toSeconds())
                .build();
    }

    /** The URI of {@code secret} for {@code account} (the engineer's login), issuer {@value #DEFAULT_ISSUER}. */
    public static OtpAuthUri of(TotpSecret secret, String account) {
        return builder(secret, account).build();
    }

    public static Builder builder(TotpSecret secret, String account) {
        return new Builder(secret, account);
    }

    /**
     * Checks that {@code issuer} can name the issuer of a URI: 1 to 64 characters, no colon, no control characters,
     * no surrounding spaces.
     *
     * @return {@code issuer}
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String requireValidIssuer(String issuer) {
        return Builder.name("issuer", issuer);
    }

    public String issuer() {
        return issuer;
    }

    public String account() {
        return account;
    }

    /** The whole URI, secret included. */
    public String uri() {
        return data.getUri();
    }

    /** The data the QR code encodes. */
    QrData qrData() {
        return data;
    }

    /** The URI with the secret replaced by {@code ***}. */
    @Override
    public String toString() {
        return uri().replaceFirst("([?&]secret=)[^&]*", "$1***");
    }

    /** Builds an {@link OtpAuthUri}; the issuer is optional. */
    public static final class Builder {
        private final TotpSecret secret;
        private final String account;
        private String issuer = DEFAULT_ISSUER;

        private Builder(TotpSecret secret, String account) {
            this.secret = requireNonNull(secret, "secret");
            this.account = name("account", account);
        }

        /** The name the app shows above the account, e.g. the company: 1 to 64 characters, no colon. */
        public Builder issuer(String issuer) {
            this.issuer = name("issuer", issuer);
            return this;
        }

        public OtpAuthUri build() {
            return new OtpAuthUri(issuer, account, secret);
        }

        private static String name(String field, String value) {
            requireNonNull(value, field);
            if (value.isBlank()
                    || value.length() > MAX_NAME_LENGTH
                    || value.indexOf(':') >= 0
                    || value.chars().anyMatch(Character::isISOControl)
                    || !value.equals(value.strip())) {
                throw new IllegalArgumentException(field + ": '" + value.replaceAll("\\p{Cntrl}", "?")
                        + "' (expected: 1 to " + MAX_NAME_LENGTH
                        + " characters, no colon, no control characters, no surrounding spaces)");
            }
            return value;
        }
    }
}
