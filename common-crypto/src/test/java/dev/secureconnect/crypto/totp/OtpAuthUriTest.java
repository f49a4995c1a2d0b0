package dev.secureconnect.crypto.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtpAuthUriTest {

    static final TotpSecret SECRET = TotpSecret.ofBase32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    @Test
    void theUriCarriesTheDefaultsOfAuthenticatorAppsAndOathtool() {
        OtpAuthUri uri = OtpAuthUri.of(SECRET, "alice");
        assertThat(uri.uri())
                .isEqualTo("otpauth://totp/SecureConnect%3Aalice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                        + "&issuer=SecureConnect&algorithm=SHA1&digits=6&period=30");
        assertThat(uri.issuer()).isEqualTo("SecureConnect");
        assertThat(uri.account()).isEqualTo("alice");

        URI parsed = URI.create(uri.uri());
        assertThat(parsed.getScheme()).isEqualTo("otpauth");
        assertThat(parsed.getHost()).isEqualTo("totp");
        assertThat(parsed.getPath()).isEqualTo("/SecureConnect:alice");
        assertThat(query(parsed))
                .containsExactly(
                        Map.entry("secret", SECRET.base32()),
                        Map.entry("issuer", "SecureConnect"),
                        Map.entry("algorithm", "SHA1"),
                        Map.entry("digits", "6"),
                        Map.entry("period", "30"));
    }

    @Test
    void theSecretInTheUriGivesTheCodesTheVerifierAccepts() {
        TotpSecret secret = TotpSecret.generate();
        String inUri = query(URI.create(OtpAuthUri.of(secret, "bob").uri())).get("secret");
        String code = OathTool.totp(inUri);
        assertThat(TotpVerifier.of(java.time.Clock.systemUTC()).verify(secret, code))
                .isPresent();
    }

    @Test
    void theIssuerIsConfigurableAndEncoded() {
        OtpAuthUri uri =
                OtpAuthUri.builder(SECRET, "a.b-c_d").issuer("ACME Support").build();
        URI parsed = URI.create(uri.uri());
        assertThat(parsed.getPath()).isEqualTo("/ACME Support:a.b-c_d");
        assertThat(query(parsed)).containsEntry("issuer", "ACME Support");
        assertThat(uri.uri()).doesNotContain(" ");
    }

    @Test
    void toStringMasksTheSecret() {
        OtpAuthUri uri = OtpAuthUri.of(SECRET, "alice");
        assertThat(uri.toString())
                .doesNotContain(SECRET.base32())
                .contains("secret=***")
                .contains("issuer=SecureConnect");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(
            strings = {
                "",
                " ",
                "al:ice",
                "alice\n",
                " alice",
                "a\u0000b",
                "0123456789012345678901234567890123456789012345678901234567890123456789"
            })
    void accountsAndIssuersAppsCannotShowAreRefused(String name) {
        assertThatThrownBy(() -> OtpAuthUri.of(SECRET, name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("account: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> OtpAuthUri.builder(SECRET, "alice").issuer(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("issuer: ");
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(
                    pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
