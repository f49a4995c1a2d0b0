package dev.secureconnect.export.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The {@code X-SecureConnect-Signature} of a request: see {@link WebhookDestination} for the scheme. */
final class WebhookSignature {

    static final String ALGORITHM = "HmacSHA256";
    static final String PREFIX = "sha256=";

    private WebhookSignature() {}

    /** {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
    static String sign(byte[] secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot compute " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }
}
