package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.ISSUER;
import static dev.secureconnect.crypto.token.TokenFixtures.SERIAL;
import static dev.secureconnect.crypto.token.TokenFixtures.T0;
import static dev.secureconnect.crypto.token.TokenFixtures.TICKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.TokenRefusedException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccessTokenTest {

    private static TokenFixtures fx;
    private static String thumbprint;

    @BeforeAll
    static void fixtures() {
        fx = TokenFixtures.shared();
        thumbprint = CertificateFingerprint.of(fx.alice.certificate()).thumbprint();
    }

    private static AccessToken token(Instant issuedAt, Instant expiresAt) {
        return new AccessToken(
                "alice", SERIAL, TICKET, thumbprint, ISSUER, issuedAt, expiresAt, UUID.randomUUID(), Optional.empty());
    }

    @Test
    void ofTakesTheLoginAndThumbprintFromTheEngineerCertificate() {
        AccessToken token = AccessToken.of(
                fx.alice.certificate(),
                SERIAL,
                TICKET,
                ISSUER,
                T0.plusMillis(700),
                AccessToken.DEFAULT_LIFETIME,
                "reason");

        assertThat(token.engineer()).isEqualTo("token-alice");
        assertThat(token.holderThumbprint()).isEqualTo(thumbprint);
        assertThat(token.issuedAt()).isEqualTo(T0);
        assertThat(token.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(token.isHeldBy(fx.alice.certificate())).isTrue();
        assertThat(token.isHeldBy(fx.bob.certificate())).isFalse();
        assertThat(token.isHeldBy(null)).isFalse();
    }

    @Test
    void onlyAnEngineerCertificateGetsAToken() {
        TestPki.Issued apiClient = fx.pki.apiClient("token-splunk");

        assertThatThrownBy(() -> AccessToken.of(
                        apiClient.certificate(), SERIAL, TICKET, ISSUER, T0, AccessToken.DEFAULT_LIFETIME, null))
                .isInstanceOf(CryptoException.class)
                .hasMessage("an access token is issued to an engineer certificate, not to api-client token-splunk");
        assertThatThrownBy(() -> AccessToken.of(
                        fx.appliance.certificate(), SERIAL, TICKET, ISSUER, T0, AccessToken.DEFAULT_LIFETIME, null))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("not to appliance " + SERIAL);
    }

    @Test
    void lifetimeMustBePositiveAndAtMostSevenDays() {
        assertThat(token(T0, T0.plus(AccessToken.MAX_LIFETIME)).lifetime()).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> token(T0, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lifetime: PT0S (expected: > 0, expiry after issue)");
        assertThatThrownBy(() -> token(T0, T0.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> token(T0, T0.plus(AccessToken.MAX_LIFETIME).plusSeconds(1)))
                .isInstanceOfSatisfying(
                        TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LONG_LIVED))
                .hasMessage("access token refused: a lifetime of 7 days 1 s exceeds the maximum of 7 days");
    }

    @Test
    void claimsMustBeWellFormed() {
        assertThatThrownBy(() -> new AccessToken(
                        "alice",
                        SERIAL,
                        TICKET,
                        "not-a-thumbprint",
                        ISSUER,
                        T0,
                        T0.plusSeconds(60),
                        UUID.randomUUID(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("holderThumbprint:");
        assertThatThrownBy(() -> new AccessToken(
                        "",
                        SERIAL,
                        TICKET,
                        thumbprint,
                        ISSUER,
                        T0,
                        T0.plusSeconds(60),
                        UUID.randomUUID(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("engineer:");
        assertThatThrownBy(() -> new AccessToken(
                        "alice",
                        SERIAL,
                        "1234567a",
                        thumbprint,
                        ISSUER,
                        T0,
                        T0.plusSeconds(60),
                        UUID.randomUUID(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ticket: '1234567a' (expected: exactly 8 digits)");
    }

    @Test
    void toStringShowsTheClaimsOnOneLine() {
        AccessToken token = new AccessToken(
                "alice",
                SERIAL,
                TICKET,
                thumbprint,
                ISSUER,
                T0,
                T0.plusSeconds(3600),
                UUID.fromString("00000000-0000-4000-8000-000000000001"),
                Optional.of("disk full"));

        assertThat(token)
                .hasToString("access token 00000000-0000-4000-8000-000000000001 for engineer alice on"
                        + " appliance SN-TOKEN-1, ticket 12345678, holder x5t#S256=" + thumbprint + ", issued by "
                        + ISSUER + " at 2030-01-15T10:00:00Z, expires 2030-01-15T11:00:00Z, reason 'disk full'");
    }

    @Test
    void durationsAreDescribedForPeople() {
        assertThat(AccessToken.describe(Duration.ofDays(8))).isEqualTo("8 days");
        assertThat(AccessToken.describe(Duration.ofMinutes(150))).isEqualTo("2 h 30 min");
        assertThat(AccessToken.describe(Duration.ofDays(1).plusSeconds(5))).isEqualTo("1 day 5 s");
    }
}
