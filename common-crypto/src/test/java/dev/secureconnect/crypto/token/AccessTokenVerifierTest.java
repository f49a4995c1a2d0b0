package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.OTHER_SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.T0;
import static dev.secureconnect.crypto.token.TokenFixtures.TICKET;
import static dev.secureconnect.crypto.token.TokenFixtures.base64url;
import static dev.secureconnect.crypto.token.TokenFixtures.decode;
import static dev.secureconnect.crypto.token.TokenFixtures.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessTokenVerifierTest {

    private static final Duration SKEW = AccessTokenVerifier.DEFAULT_CLOCK_SKEW;
    private static final Instant EXPIRY = T0.plus(AccessToken.DEFAULT_LIFETIME);

    private static TokenFixtures fx;

    @BeforeAll
    static void fixtures() {
        fx = TokenFixtures.shared();
    }

    /** A token presented for a stream: what the server or appliance passes to {@link AccessTokenVerifier#verify}. */
    record Presentation(
            String token,
            String appliance,
            X509Certificate certificate,
            Predicate<String> tickets,
            AccessTokenVerifier verifier) {

        static Presentation of(String token) {
            return new Presentation(token, SERIAL, fx.alice.certificate(), TICKET::equals, fx.verifier(T0));
        }

        Presentation at(String serial) {
            return new Presentation(token, serial, certificate, tickets, verifier);
        }

        Presentation by(X509Certificate presented) {
            return new Presentation(token, appliance, presented, tickets, verifier);
        }

        Presentation tickets(Predicate<String> accepted) {
            return new Presentation(token, appliance, certificate, accepted, verifier);
        }

        Presentation verifiedBy(AccessTokenVerifier other) {
            return new Presentation(token, appliance, certificate, tickets, other);
        }

        Presentation when(Instant now) {
            return verifiedBy(fx.verifier(now));
        }

        AccessToken verify() {
            return verifier.verify(token, appliance, certificate, tickets);
        }
    }

    // ---- accepted ------------------------------------------------------------------------------------------------

    static Stream<Arguments> accepted() {
        return Stream.of(
                ok("ok/fresh", () -> Presentation.of(fx.token().serialize())),
                ok("ok/just-issued-clock-behind-within-skew", () -> Presentation.of(
                                fx.token().serialize())
                        .when(T0.minus(SKEW).plusSeconds(1))),
                ok("ok/at-expiry-within-skew", () -> Presentation.of(fx.token().serialize())
                        .when(EXPIRY.plus(SKEW).minusSeconds(1))),
                ok(
                        "ok/with-reason",
                        () -> Presentation.of(fx.issuer
                                .issue(fx.alice.certificate(), SERIAL, TICKET, Duration.ofHours(2), "disk full")
                                .serialize())),
                ok("ok/seven-days", () -> Presentation.of(fx.issuer
                                .issue(fx.alice.certificate(), SERIAL, TICKET, AccessToken.MAX_LIFETIME, null)
                                .serialize())
                        .when(T0.plus(Duration.ofDays(6)))),
                ok(
                        "ok/typ-with-application-prefix",
                        () -> Presentation.of(sign(
                                fx.header()
                                        .type(new JOSEObjectType("application/SC-ACCESS+JWT"))
                                        .build(),
                                fx.claims().build(),
                                fx.key.signer()))),
                ok(
                        "ok/unknown-extra-claim-ignored",
                        () -> Presentation.of(sign(
                                fx.header().build(),
                                fx.claims().claim("x-unknown", "everything").build(),
                                fx.key.signer()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptedTokenGivesItsClaims(String name, Supplier<Presentation> presentation) {
        AccessToken token = presentation.get().verify();

        assertThat(token.engineer()).isEqualTo("token-alice");
        assertThat(token.appliance()).isEqualTo(SERIAL);
        assertThat(token.ticket()).isEqualTo(TICKET);
        assertThat(token.issuer()).isEqualTo(TokenFixtures.ISSUER);
        assertThat(token.isHeldBy(fx.alice.certificate())).isTrue();
    }

    @Test
    void roundTripGivesBackExactlyTheIssuedClaims() {
        SignedAccessToken issued = fx.issuer.issue(
                fx.alice.certificate(), SERIAL, TICKET, Duration.ofMinutes(90), "customer reports full disk");

        AccessToken verified = fx.verifier(T0.plusSeconds(60))
                .verify(issued.serialize(), SERIAL, fx.alice.certificate(), TICKET::equals);

        assertThat(verified).isEqualTo(issued.claims());
        assertThat(verified.issuedAt()).isEqualTo(T0);
        assertThat(verified.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(90)));
        assertThat(verified.reason()).contains("customer reports full disk");
    }

    // ---- refused -------------------------------------------------------------------------------------------------

    static Stream<Arguments> refused() {
        return Stream.of(
                // MALFORMED
                fail("fail/no-token", () -> Presentation.of(null), Reason.MALFORMED),
                fail("fail/empty", () -> Presentation.of(""), Reason.MALFORMED),
                fail("fail/garbage", () -> Presentation.of("not a token at all"), Reason.MALFORMED),
                fail("fail/two-parts", () -> Presentation.of("eyJhbGciOiJFUzI1NiJ9.e30"), Reason.MALFORMED),
                fail(
                        "fail/five-parts-jwe",
                        () -> Presentation.of("eyJhbGciOiJkaXIifQ..AAAA.AAAA.AAAA"),
                        Reason.MALFORMED),
                fail(
                        "fail/too-long",
                        () -> Presentation.of(fx.token().serialize() + "A".repeat(9000)),
                        Reason.MALFORMED),
                fail(
                        "fail/header-not-json",
                        () -> Presentation.of(
                                base64url("{alg:ES256") + "." + parts(fx.token())[1] + "." + parts(fx.token())[2]),
                        Reason.MALFORMED),
                fail(
                        "fail/payload-not-json",
                        () -> Presentation.of(sign(fx.header().build(), "hello", fx.key.signer())),
                        Reason.MALFORMED),
                fail("fail/missing-ticket", () -> signed(fx.claims().claim("ticket", null)), Reason.MALFORMED),
                fail(
                        "fail/ticket-not-eight-digits",
                        () -> signed(fx.claims().claim("ticket", "1234")),
                        Reason.MALFORMED),
                fail("fail/missing-holder", () -> signed(fx.claims().claim("cnf", null)), Reason.MALFORMED),
                fail(
                        "fail/holder-not-a-thumbprint",
                        () -> signed(fx.claims().claim("cnf", Map.of("x5t#S256", 42))),
                        Reason.MALFORMED),
                fail("fail/jti-not-uuid", () -> signed(fx.claims().jwtID("1")), Reason.MALFORMED),
                fail("fail/missing-expiry", () -> signed(fx.claims().expirationTime(null)), Reason.MALFORMED),
                fail(
                        "fail/expiry-before-issue",
                        () -> signed(fx.claims().expirationTime(Date.from(T0.minusSeconds(1)))),
                        Reason.MALFORMED),
                fail(
                        "fail/critical-header",
                        () -> Presentation.of(sign(
                                fx.header().criticalParams(Set.of("exp")).build(),
                                fx.claims().build(),
                                fx.key.signer())),
                        Reason.MALFORMED),
                // BAD_SIGNATURE
                fail(
                        "fail/tampered-audience",
                        () -> Presentation.of(tamperedAudience()).at(OTHER_SERIAL),
                        Reason.BAD_SIGNATURE),
                fail(
                        "fail/tampered-signature",
                        () -> Presentation.of(flipLastSignatureCharacter()),
                        Reason.BAD_SIGNATURE),
                fail(
                        "fail/truncated-signature",
                        () -> Presentation.of(fx.token()
                                .serialize()
                                .substring(0, fx.token().serialize().length() - 4)),
                        Reason.BAD_SIGNATURE),
                fail(
                        "fail/signed-by-another-key-with-trusted-kid",
                        () -> Presentation.of(
                                sign(fx.header().build(), fx.claims().build(), fx.otherKey.signer())),
                        Reason.BAD_SIGNATURE),
                fail("fail/alg-none", () -> Presentation.of(unsigned(true)), Reason.BAD_SIGNATURE),
                fail("fail/alg-none-with-signature", () -> Presentation.of(unsigned(false)), Reason.BAD_SIGNATURE),
                fail(
                        "fail/hs256-public-key-der-as-secret",
                        () -> Presentation.of(sign(
                                fx.header(JWSAlgorithm.HS256).build(),
                                fx.claims().build(),
                                mac(fx.key.publicKey().getEncoded()))),
                        Reason.BAD_SIGNATURE),
                fail(
                        "fail/hs256-public-jwk-as-secret",
                        () -> Presentation.of(sign(
                                fx.header(JWSAlgorithm.HS256).build(),
                                fx.claims().build(),
                                mac(fx.key.publicJwk().getBytes(StandardCharsets.UTF_8)))),
                        Reason.BAD_SIGNATURE),
                fail(
                        "fail/ps256-rsa-key",
                        () -> Presentation.of(sign(
                                fx.header(JWSAlgorithm.PS256).build(),
                                fx.claims().build(),
                                new RSASSASigner(TestPki.keyPair("issuing-ca").getPrivate()))),
                        Reason.BAD_SIGNATURE),
                // UNKNOWN_KEY
                fail(
                        "fail/other-issuer-key",
                        () -> Presentation.of(
                                new AccessTokenIssuer(fx.otherKey, TokenFixtures.ISSUER, TokenFixtures.at(T0))
                                        .issue(fx.alice.certificate(), SERIAL, TICKET)
                                        .serialize()),
                        Reason.UNKNOWN_KEY),
                fail(
                        "fail/no-kid",
                        () -> Presentation.of(sign(
                                fx.header().keyID(null).build(), fx.claims().build(), fx.key.signer())),
                        Reason.UNKNOWN_KEY),
                // WRONG_TYPE
                fail(
                        "fail/typ-jwt",
                        () -> Presentation.of(sign(
                                fx.header().type(JOSEObjectType.JWT).build(),
                                fx.claims().build(),
                                fx.key.signer())),
                        Reason.WRONG_TYPE),
                fail(
                        "fail/typ-missing",
                        () -> Presentation.of(
                                sign(fx.header().type(null).build(), fx.claims().build(), fx.key.signer())),
                        Reason.WRONG_TYPE),
                // WRONG_AUDIENCE
                fail(
                        "fail/wrong-audience",
                        () -> Presentation.of(fx.token().serialize()).at(OTHER_SERIAL),
                        Reason.WRONG_AUDIENCE),
                fail(
                        "fail/two-audiences",
                        () -> signed(fx.claims().audience(List.of(SERIAL, OTHER_SERIAL))),
                        Reason.WRONG_AUDIENCE),
                fail("fail/no-audience", () -> signed(fx.claims().audience((String) null)), Reason.WRONG_AUDIENCE),
                fail(
                        "fail/scope-not-an-object",
                        () -> signed(fx.claims().claim("scope", "everything")),
                        Reason.MALFORMED),
                fail(
                        "fail/scope-of-another-case",
                        () -> signed(fx.claims().claim("scope", java.util.Map.of("case", "C87654321"))),
                        Reason.MALFORMED),
                // EXPIRED / NOT_YET_VALID
                fail(
                        "fail/expired",
                        () -> Presentation.of(fx.token().serialize()).when(EXPIRY.plus(SKEW)),
                        Reason.EXPIRED),
                fail(
                        "fail/expired-long-ago",
                        () -> Presentation.of(fx.token().serialize()).when(T0.plus(Duration.ofDays(30))),
                        Reason.EXPIRED),
                fail(
                        "fail/not-yet-valid",
                        () -> Presentation.of(fx.token().serialize())
                                .when(T0.minus(SKEW).minusSeconds(1)),
                        Reason.NOT_YET_VALID),
                fail(
                        "fail/not-before-in-future",
                        () -> signed(fx.claims().notBeforeTime(Date.from(T0.plus(Duration.ofMinutes(10))))),
                        Reason.NOT_YET_VALID),
                // WRONG_HOLDER
                fail(
                        "fail/wrong-holder",
                        () -> Presentation.of(fx.token().serialize()).by(fx.bob.certificate()),
                        Reason.WRONG_HOLDER),
                fail(
                        "fail/wrong-holder-no-certificate",
                        () -> Presentation.of(fx.token().serialize()).by(null),
                        Reason.WRONG_HOLDER),
                fail(
                        "fail/wrong-holder-appliance-certificate",
                        () -> Presentation.of(fx.token().serialize()).by(fx.appliance.certificate()),
                        Reason.WRONG_HOLDER),
                // REVOKED
                fail("fail/revoked", AccessTokenVerifierTest::revokedPresentation, Reason.REVOKED),
                // TICKET_NOT_ACCEPTED
                fail(
                        "fail/ticket-not-accepted",
                        () -> Presentation.of(fx.token().serialize()).tickets(t -> false),
                        Reason.TICKET_NOT_ACCEPTED),
                fail(
                        "fail/ticket-disconnected-other-ticket-open",
                        () -> Presentation.of(fx.token().serialize()).tickets("87654321"::equals),
                        Reason.TICKET_NOT_ACCEPTED),
                // TOO_LONG_LIVED
                fail(
                        "fail/too-long-lived",
                        () -> signed(fx.claims()
                                .expirationTime(Date.from(
                                        T0.plus(AccessToken.MAX_LIFETIME).plusSeconds(1)))),
                        Reason.TOO_LONG_LIVED),
                fail(
                        "fail/too-long-lived-a-year",
                        () -> signed(fx.claims().expirationTime(Date.from(T0.plus(Duration.ofDays(365))))),
                        Reason.TOO_LONG_LIVED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedWithReasonAndSafeOneLineMessage(String name, Supplier<Presentation> supplier, Reason reason) {
        Presentation presentation = supplier.get();

        TokenRefusedException refusal = catchThrowableOfType(TokenRefusedException.class, presentation::verify);

        assertThat(refusal).as(name).isNotNull();
        assertThat(refusal.reason()).as(refusal.getMessage()).isEqualTo(reason);
        assertThat(refusal.getMessage()).startsWith("access token refused: ").doesNotContain("\n", "\r");
        if (presentation.token() != null && !presentation.token().isEmpty()) {
            assertThat(refusal.getMessage()).doesNotContain(presentation.token());
            String[] parts = presentation.token().split("\\.");
            if (parts.length == 3 && parts[2].length() > 8) {
                assertThat(refusal.getMessage()).doesNotContain(parts[2]);
            }
        }
    }

    @Test
    void everyRefusalReasonHasACase() {
        Set<Reason> covered = EnumSet.noneOf(Reason.class);
        refused().forEach(arguments -> covered.add((Reason) arguments.get()[2]));

        assertThat(covered).containsExactlyInAnyOrder(Reason.values());
    }

    @Test
    void refusalAfterTheSignatureCarriesTheClaimsForTheAudit() {
        SignedAccessToken token = fx.token();

        TokenRefusedException wrongHolder =
                catchThrowableOfType(TokenRefusedException.class, () -> Presentation.of(token.serialize())
                        .by(fx.bob.certificate())
                        .verify());
        TokenRefusedException forged = catchThrowableOfType(TokenRefusedException.class, () -> Presentation.of(
                        sign(fx.header().build(), fx.claims().build(), fx.otherKey.signer()))
                .verify());

        assertThat(wrongHolder.token()).contains(token.claims());
        assertThat(wrongHolder.getMessage())
                .isEqualTo("access token refused: it was issued to engineer "
                        + "token-alice's certificate, not to the certificate presented");
        assertThat(forged.token()).isEmpty();
    }

    @Test
    void messagesNameWhatWasWrong() {
        String token = fx.token().serialize();

        assertThat(catchThrowableOfType(
                        TokenRefusedException.class,
                        () -> Presentation.of(token).at(OTHER_SERIAL).verify()))
                .hasMessage("access token refused: it is for appliance SN-TOKEN-1, not SN-TOKEN-2");
        assertThat(catchThrowableOfType(TokenRefusedException.class, () -> Presentation.of(token)
                        .when(EXPIRY.plus(Duration.ofHours(1)))
                        .verify()))
                .hasMessage("access token refused: it expired at 2030-01-15T11:00:00Z; ask for a new one");
        assertThat(catchThrowableOfType(TokenRefusedException.class, () -> Presentation.of(unsigned(true))
                        .verify()))
                .hasMessage("access token refused: it is unsigned (alg none); only ES256 is accepted");
        assertThat(catchThrowableOfType(TokenRefusedException.class, () -> Presentation.of(sign(
                                fx.header(JWSAlgorithm.HS256).build(),
                                fx.claims().build(),
                                mac(fx.key.publicKey().getEncoded())))
                        .verify()))
                .hasMessage("access token refused: algorithm HS256 is not accepted; only ES256 is");
    }

    @Test
    void attackerControlledKidIsQuotedOnOneLineAndCapped() {
        String kid = "evil\nFAKE AUDIT LINE " + "x".repeat(200);

        TokenRefusedException refusal = catchThrowableOfType(TokenRefusedException.class, () -> Presentation.of(
                        sign(fx.header().keyID(kid).build(), fx.claims().build(), fx.otherKey.signer()))
                .verify());

        assertThat(refusal.reason()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(refusal.getMessage()).doesNotContain("\n").hasSizeLessThan(200);
    }

    // ---- key rotation --------------------------------------------------------------------------------------------

    @Test
    void keyRotationAcceptsOldAndNewKeySelectedByKid() {
        TokenSigningKey oldKey = fx.key;
        TokenSigningKey newKey = TokenSigningKey.generate();
        String oldToken = fx.token().serialize();
        String newToken = new AccessTokenIssuer(newKey, TokenFixtures.ISSUER, TokenFixtures.at(T0))
                .issue(fx.alice.certificate(), SERIAL, TICKET)
                .serialize();
        AccessTokenVerifier both = AccessTokenVerifier.builder()
                .trustJwkSet(TokenSigningKey.publicJwkSet(List.of(oldKey, newKey)))
                .clock(TokenFixtures.at(T0))
                .revoked(id -> false)
                .build();
        AccessTokenVerifier newOnly = AccessTokenVerifier.builder()
                .trustJwkSet(newKey.publicJwkSet())
                .clock(TokenFixtures.at(T0))
                .revoked(id -> false)
                .build();

        assertThat(both.keyIds()).containsExactlyInAnyOrder(oldKey.keyId(), newKey.keyId());
        assertThat(both.verify(oldToken, SERIAL, fx.alice.certificate(), TICKET::equals)
                        .engineer())
                .isEqualTo("token-alice");
        assertThat(both.verify(newToken, SERIAL, fx.alice.certificate(), TICKET::equals)
                        .engineer())
                .isEqualTo("token-alice");
        assertThat(newOnly.verify(newToken, SERIAL, fx.alice.certificate(), TICKET::equals))
                .isNotNull();
        assertThatThrownBy(() -> newOnly.verify(oldToken, SERIAL, fx.alice.certificate(), TICKET::equals))
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
        assertThat(AccessTokenVerifier.builder()
                        .trustJwkSet(both.trustedJwkSet())
                        .revoked(id -> false)
                        .build()
                        .keyIds())
                .isEqualTo(both.keyIds());
    }

    // ---- configuration -------------------------------------------------------------------------------------------

    @Test
    void verifierTrustsNothingAndChecksNoRevocationByDefaultSoBuildRefuses() {
        assertThatThrownBy(
                        () -> AccessTokenVerifier.builder().revoked(id -> false).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no trusted key");
        assertThatThrownBy(() -> AccessTokenVerifier.builder().trust(fx.key).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no revocation check");
    }

    @Test
    void clockSkewIsConfigurableWithinBounds() {
        AccessTokenVerifier strict = AccessTokenVerifier.builder()
                .trust(fx.key)
                .revoked(id -> false)
                .clock(TokenFixtures.at(EXPIRY.plusSeconds(5)))
                .clockSkew(Duration.ZERO)
                .build();
        AccessTokenVerifier lenient = AccessTokenVerifier.builder()
                .trust(fx.key)
                .revoked(id -> false)
                .clock(TokenFixtures.at(EXPIRY.plusSeconds(5)))
                .clockSkew(Duration.ofMinutes(2))
                .build();
        String token = fx.token().serialize();

        assertThatThrownBy(() -> strict.verify(token, SERIAL, fx.alice.certificate(), TICKET::equals))
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
        assertThat(lenient.verify(token, SERIAL, fx.alice.certificate(), TICKET::equals))
                .isNotNull();
        assertThat(AccessTokenVerifier.builder()
                        .trust(fx.key)
                        .revoked(id -> false)
                        .build()
                        .clockSkew())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> AccessTokenVerifier.builder().clockSkew(Duration.ofMinutes(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clockSkew: PT10M (expected: between PT0S and PT5M)");
        assertThatThrownBy(() -> AccessTokenVerifier.builder().clockSkew(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jwkSetWithAPrivateKeyIsRefused() {
        String privateSet = "{\"keys\":[" + privateJwk(fx.key) + "]}";

        assertThatThrownBy(() -> AccessTokenVerifier.builder().trustJwkSet(privateSet))
                .isInstanceOf(CryptoException.class)
                .hasMessage("JWK Set holds a private key: give verifiers the public key set only");
    }

    @Test
    void jwkSetWithAKidThatIsNotTheThumbprintIsRefused() {
        String publicJwk = fx.key.publicJwk().replace(fx.key.keyId(), "rotated-2030");

        assertThatThrownBy(() -> AccessTokenVerifier.builder().trustJwkSet("{\"keys\":[" + publicJwk + "]}"))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("kid rotated-2030 is not the key's RFC 7638 thumbprint");
    }

    @Test
    void jwkSetWithAnRsaOrHmacKeyIsRefused() {
        String octet = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + base64url("0123456789abcdef0123456789abcdef") + "\"}]}";

        assertThatThrownBy(() -> AccessTokenVerifier.builder().trustJwkSet(octet))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("only EC P-256 keys (ES256) verify access tokens");
        assertThatThrownBy(() -> AccessTokenVerifier.builder().trustJwkSet("{\"keys\":[]}"))
                .isInstanceOf(CryptoException.class)
                .hasMessage("JWK Set holds no key");
        assertThatThrownBy(() -> AccessTokenVerifier.builder().trustJwkSet("not json"))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("is not a JWK Set");
    }

    @Test
    void applianceReadsTheJwkSetFileTheServerExported(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token-keys.jwks"), fx.issuer.publicJwkSet());

        AccessTokenVerifier appliance = AccessTokenVerifier.builder()
                .trustJwkSetFile(file)
                .clock(TokenFixtures.at(T0))
                .revoked(id -> false)
                .build();

        assertThat(appliance.verify(fx.token().serialize(), SERIAL, fx.alice.certificate(), TICKET::equals))
                .isNotNull();
        assertThatThrownBy(() -> AccessTokenVerifier.builder().trustJwkSetFile(dir.resolve("missing.jwks")))
                .isInstanceOf(CryptoException.class)
                .hasMessage("token verification key file " + dir.resolve("missing.jwks") + " does not exist");
    }

    @Test
    void trustsAPlainEcPublicKey() {
        AccessTokenVerifier verifier = AccessTokenVerifier.builder()
                .trust(fx.key.publicKey())
                .clock(TokenFixtures.at(T0))
                .revoked(id -> false)
                .build();

        assertThat(verifier.keyIds()).containsExactly(fx.key.keyId());
        assertThat(verifier.verify(fx.token().serialize(), SERIAL, fx.alice.certificate(), TICKET::equals))
                .isNotNull();
    }

    // ---- crafted tokens ------------------------------------------------------------------------------------------

    static Arguments ok(String name, Supplier<Presentation> presentation) {
        return Arguments.of(name, presentation);
    }

    static Arguments fail(String name, Supplier<Presentation> presentation, Reason reason) {
        return Arguments.of(name, presentation, reason);
    }

    /** Claims signed with the trusted key and the issuer's header: only the claims are wrong. */
    private static Presentation signed(JWTClaimsSet.Builder claims) {
        return Presentation.of(sign(fx.header().build(), claims.build(), fx.key.signer()));
    }

    private static Presentation revokedPresentation() {
        SignedAccessToken token = fx.token();
        Set<UUID> revoked = Set.of(token.claims().id());
        AccessTokenVerifier verifier = AccessTokenVerifier.builder()
                .trust(fx.key)
                .clock(TokenFixtures.at(T0))
                .revoked(revoked::contains)
                .build();
        return Presentation.of(token.serialize()).verifiedBy(verifier);
    }

    private static String[] parts(SignedAccessToken token) {
        return token.serialize().split("\\.");
    }

    /** A good token whose payload names another appliance, not re-signed. */
    private static String tamperedAudience() {
        String[] parts = parts(fx.token());
        String payload = decode(parts[1]);
        assertThat(payload).contains("\"aud\":\"" + SERIAL + "\"");
        return parts[0] + "." + base64url(payload.replace(SERIAL, OTHER_SERIAL)) + "." + parts[2];
    }

    private static String flipLastSignatureCharacter() {
        String token = fx.token().serialize();
        int signatureStart = token.lastIndexOf('.') + 1;
        char first = token.charAt(signatureStart);
        return token.substring(0, signatureStart) + (first == 'A' ? 'B' : 'A') + token.substring(signatureStart + 1);
    }

    /** The issuer's header with {@code alg: none}, the good payload, and no (or the old) signature. */
    private static String unsigned(boolean dropSignature) {
        String[] parts = parts(fx.token());
        String header = base64url(
                "{\"alg\":\"none\",\"typ\":\"" + AccessTokenIssuer.TYPE + "\",\"kid\":\"" + fx.key.keyId() + "\"}");
        return header + "." + parts[1] + "." + (dropSignature ? "" : parts[2]);
    }

    private static MACSigner mac(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (com.nimbusds.jose.KeyLengthException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String privateJwk(TokenSigningKey key) {
        try {
            Path file = Files.createTempFile("token-key", ".jwk");
            try {
                key.save(file);
                return Files.readString(file).strip();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
