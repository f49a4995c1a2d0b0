/**
 * The engineers' second factor, TOTP (RFC 6238) with the parameters every authenticator app and
 * {@code oathtool --totp} use by default: HMAC-SHA1, 6 digits, 30-second time steps. A random 160-bit
 * {@link dev.secureconnect.crypto.totp.TotpSecret}, the {@code otpauth://} enrolment URI
 * ({@link dev.secureconnect.crypto.totp.OtpAuthUri}) and its QR code
 * ({@link dev.secureconnect.crypto.totp.TotpQrCode}),
 * and the {@link dev.secureconnect.crypto.totp.TotpVerifier}, which answers with the time step a code matched so
 * that the caller can accept each step at most once. Codes are computed by {@code dev.samstevens.totp}.
 */
package dev.secureconnect.crypto.totp;
