package dev.secureconnect.crypto.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;

/**
 * Access tokens as an engineer's client or an attacker may present them, to {@link AccessTokenVerifier#verify} and
 * {@link SignedAccessToken#parseUnverified}: each returns a token whose claims passed {@link AccessToken}'s checks or
 * throws a {@link TokenRefusedException} with a one-line message that does not repeat the token; nothing else escapes.
 *
 * <p>The first byte of an input chooses what the rest is: {@code S} a claims set, signed here under the fixed header
 * {@code {"typ":"sc-access+jwt","alg":"ES256","kid":…}} with {@link #KEY}, so that the fuzzer reaches the claim
 * checks behind the signature; {@code H} a header, a line feed and a claims set, signed here as they are; anything
 * else the token text itself (after that byte).
 */
class AccessTokenFuzzTest {

    /** A fixed token-signing key, so that a seed's signature still verifies in the next run. */
    private static final TokenSigningKey KEY = fixedKey();

    private static final AccessTokenVerifier VERIFIER = AccessTokenVerifier.builder()
            .trust(KEY)
            .clock(TokenFixtures.at(Instant.parse("2030-01-15T10:00:10Z")))
            .revoked(id -> false)
            .build();

    @FuzzTest
    void verifiesOrRefusesOnOneLine(byte[] input) throws JOSEException {
        String token = token(input);
        try {
            AccessToken verified = VERIFIER.verify(token, TokenFixtures.SERIAL, null, ticket -> true);
            assertThat(verified.appliance()).isEqualTo(TokenFixtures.SERIAL);
        } catch (TokenRefusedException e) {
            assertOneLine(e, token);
        }
        try {
            SignedAccessToken parsed = SignedAccessToken.parseUnverified(token);
            assertThat(parsed.serialize()).isEqualTo(token);
            assertThat(parsed.claims().lifetime()).isPositive().isLessThanOrEqualTo(AccessToken.MAX_LIFETIME);
        } catch (TokenRefusedException e) {
            assertOneLine(e, token);
        }
    }

    private static void assertOneLine(TokenRefusedException e, String token) {
        FuzzContract.assertOneLineMessage(e);
        assertThat(e.reason()).isNotNull();
        if (token.length() >= 24) {
            assertThat(e.getMessage()).doesNotContain(token);
        }
    }

    private static String token(byte[] input) throws JOSEException {
        if (input.length == 0) {
            return "";
        }
        String rest = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        return switch (input[0]) {
            case 'S' ->
                signed(
                        "{\"typ\":\"" + AccessTokenIssuer.TYPE + "\",\"alg\":\"ES256\",\"kid\":\"" + KEY.keyId()
                                + "\"}",
                        rest);
            case 'H' -> {
                int newline = rest.indexOf('\n');
                yield newline < 0 ? signed(rest, "") : signed(rest.substring(0, newline), rest.substring(newline + 1));
            }
            default -> rest;
        };
    }

    private static String signed(String header, String claims) throws JOSEException {
        String signingInput = base64url(header) + "." + base64url(claims);
        return signingInput + "."
                + KEY.signer()
                        .sign(new JWSHeader(JWSAlgorithm.ES256), signingInput.getBytes(StandardCharsets.US_ASCII));
    }

    private static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static TokenSigningKey fixedKey() {
        try {
            ECKey jwk = ECKey.parse("{\"kty\":\"EC\",\"crv\":\"P-256\","
                    + "\"d\":\"s-jc3EAjZITyo6bNgaHWKhsQWjqpNq6A2F-VbkPJEKQ\","
                    + "\"x\":\"fhXPIGNC-0jonOuYGh0QU3f0YcuRaiEdwcq4O0jcHGY\","
                    + "\"y\":\"8e11zMoSQ3j2eLJ_O3kl-Z_cgMFe1610K_vrE8213ug\"}");
            return TokenSigningKey.of(new KeyPair(jwk.toECPublicKey(), jwk.toECPrivateKey()));
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
