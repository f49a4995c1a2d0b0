package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.ISSUER;
import static dev.secureconnect.crypto.token.TokenFixtures.SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.T0;
import static dev.secureconnect.crypto.token.TokenFixtures.TICKET;
import static dev.secureconnect.crypto.token.TokenFixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessTokenIssuerTest {

    private static TokenFixtures fx;

    @BeforeAll
    static void fixtures() {
        fx = TokenFixtures.shared();
    }

    @Test
    void headerIsEs256TypedWithTheKeyThumbprintAsKid() throws Exception {
        String[] parts = fx.token().serialize().split("\\.");

        Map<String, Object> header = JSONObjectUtils.parse(decode(parts[0]));

        assertThat(header)
                .containsOnly(
                        Map.entry("alg", "ES256"), Map.entry("typ", "sc-access+jwt"), Map.entry("kid", fx.key.keyId()));
        assertThat(fx.key.keyId()).isEqualTo(TokenSigningKeyTest.rfc7638Thumbprint(fx.key.publicKey()));
        assertThat(parts[2]).hasSize(86); // 64-byte R || S, base64url
    }

    @Test
    void claimsAreTheStandardOnesPlusTicketAndConfirmation() throws Exception {
        SignedAccessToken token =
                fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofHours(2), "disk full");

        Map<String, Object> claims =
                JSONObjectUtils.parse(decode(token.serialize().split("\\.")[1]));

        assertThat(claims).containsOnlyKeys("iss", "sub", "aud", "iat", "exp", "jti", "ticket", "cnf", "reason");
        assertThat(claims)
                .contains(
                        Map.entry("iss", ISSUER),
                        Map.entry("sub", "token-alice"),
                        Map.entry("aud", SERIAL),
                        Map.entry("ticket", TICKET),
                        Map.entry("reason", "disk full"),
                        Map.entry("iat", T0.getEpochSecond()),
                        Map.entry("exp", T0.plus(Duration.ofHours(2)).getEpochSecond()),
                        Map.entry(
                                "cnf",
                                Map.of(
                                        "x5t#S256",
                                        CertificateFingerprint.of(fx.alice.certificate())
                                                .thumbprint())));
        assertThat(UUID.fromString((String) claims.get("jti")))
                .isEqualTo(token.claims().id());
    }

    @Test
    void everyTokenHasItsOwnId() {
        assertThat(fx.token().claims().id()).isNotEqualTo(fx.token().claims().id());
    }

    static Stream<Arguments> lifetimes() {
        return Stream.of(
                Arguments.of("ok/default-one-hour", (Supplier<SignedAccessToken>) fx::token, Duration.ofHours(1)),
                Arguments.of("ok/one-minute", issue(Duration.ofMinutes(1)), Duration.ofMinutes(1)),
                Arguments.of("ok/exactly-seven-days", issue(Duration.ofDays(7)), Duration.ofDays(7)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifetimes")
    void lifetimeUpToSevenDays(String name, Supplier<SignedAccessToken> issue, Duration lifetime) {
        AccessToken token = issue.get().claims();

        assertThat(token.issuedAt()).isEqualTo(T0);
        assertThat(token.lifetime()).isEqualTo(lifetime);
    }

    static Stream<Arguments> refusedLifetimes() {
        return Stream.of(
                Arguments.of(
                        "fail/seven-days-and-a-second", Duration.ofDays(7).plusSeconds(1), TokenRefusedException.class),
                Arguments.of("fail/eight-days", Duration.ofDays(8), TokenRefusedException.class),
                Arguments.of("fail/zero", Duration.ZERO, IllegalArgumentException.class),
                Arguments.of("fail/negative", Duration.ofHours(-1), IllegalArgumentException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedLifetimes")
    void lifetimeOutsideBoundsIsRefusedAtIssue(String name, Duration lifetime, Class<? extends Exception> error) {
        assertThatThrownBy(() -> fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, lifetime, null))
                .isInstanceOf(error);
    }

    @Test
    void tooLongLifetimeIsRefusedWithReasonAndOneLine() {
        assertThatThrownBy(() -> fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofDays(8), null))
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LONG_LIVED))
                .hasMessage("access token refused: a lifetime of 8 days exceeds the maximum of 7 days");
    }

    @Test
    void onlyAnEngineerCertificateCanHoldAToken() {
        assertThatThrownBy(() -> fx.issuer.issue(fx.appliance.certificate(), SERIAL, TICKET))
                .isInstanceOf(CryptoException.class)
                .hasMessage("an access token is issued to an engineer certificate, not to appliance SN-TOKEN-1");
    }

    @Test
    void invalidSerialTicketOrReasonIsRefused() {
        assertThatThrownBy(() -> fx.issuer.issue(fx.alice.certificate(), "SN 1; rm", TICKET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("appliance: 'SN 1; rm' (expected: 1 to 64 characters from A-Z a-z 0-9 . _ -)");
        assertThatThrownBy(() -> fx.issuer.issue(fx.alice.certificate(), SERIAL, "1234567"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ticket: '1234567' (expected: exactly 8 digits)");
        assertThatThrownBy(() ->
                        fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofHours(1), "x".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reason: 201 characters");
        assertThatThrownBy(() ->
                        fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofHours(1), "line\nbreak"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessTokenIssuer(fx.key, " ", TokenFixtures.at(T0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blankReasonMeansNone() {
        SignedAccessToken token = fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofHours(1), "  ");

        assertThat(token.claims().reason()).isEmpty();
        assertThat(decode(token.serialize().split("\\.")[1])).doesNotContain("reason");
    }

    @Test
    void printingATokenNeverShowsTheCredential() {
        SignedAccessToken token = fx.token();
        String signature = token.serialize().substring(token.serialize().lastIndexOf('.') + 1);

        assertThat(token.toString())
                .startsWith("signed access token " + token.claims().id() + " for engineer token-alice on appliance "
                        + SERIAL + ", ticket " + TICKET)
                .doesNotContain(token.serialize())
                .doesNotContain(signature)
                .doesNotContain(token.serialize().split("\\.")[1]);
        assertThat(fx.issuer.toString()).doesNotContain("\"d\"");
    }

    @Test
    void unverifiedParseGivesTheClaimsForDisplay() {
        SignedAccessToken token = fx.token();

        SignedAccessToken parsed = SignedAccessToken.parseUnverified(token.serialize());

        assertThat(parsed.claims()).isEqualTo(token.claims());
        assertThat(parsed.serialize()).isEqualTo(token.serialize());
        assertThatThrownBy(() -> SignedAccessToken.parseUnverified("x.y.z"))
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    @Test
    void publicKeySetIsWhatTheIssuerSignsWith() throws Exception {
        Map<String, Object> set = JSONObjectUtils.parse(fx.issuer.publicJwkSet());

        assertThat(fx.issuer.publicJwkSet()).doesNotContain("\"d\"");
        assertThat(JSONObjectUtils.getJSONObjectArray(set, "keys"))
                .singleElement()
                .satisfies(jwk -> assertThat(jwk)
                        .contains(
                                Map.entry("kid", fx.issuer.keyId()),
                                Map.entry("kty", "EC"),
                                Map.entry("crv", "P-256"),
                                Map.entry("alg", "ES256"),
                                Map.entry("use", "sig")));
    }

    private static Supplier<SignedAccessToken> issue(Duration lifetime) {
        return () -> fx.issuer.issue(fx.alice.certificate(), SERIAL, TICKET, lifetime, null);
    }
}
